package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class ItemPairLossTest {
  private static final int DIM = 5;
  private static final double TEMPERATURE = 0.4;

  /**
   * Anchors 0 and 2 are the same item (key 20), anchor 1 is item 12, which is also candidate 2 (the
   * positive of anchor 2), anchor 3 is item 21. Candidate 4 is anchor 0's positive again (key 10),
   * candidate 5 is anchor 3's item itself.
   */
  private static final int[] ANCHOR_KEYS = {20, 12, 20, 21};

  private static final int[] KEYS = {10, 11, 12, 13, 10, 21, 14};

  private final Random random = new Random(5);
  private final INDArray anchors = gaussian(random, 4, DIM, 1.0);
  private final INDArray candidates = gaussian(random, KEYS.length, DIM, 1.0);
  private final INDArray logQ = LossFixture.vector(-0.3, -1.0, -2.0, -0.5, -0.3, -1.5, -2.5);
  private final INDArray weights = LossFixture.vector(1.0, 0.5, 2.0, 1.5);

  @Test
  void gradientsMatchFiniteDifferences() {
    for (INDArray q : new INDArray[] {null, logQ}) {
      LossGradients g = compute(q, weights);
      assertMatches("dL/dAnchors", anchors, g.dUsers(), () -> compute(q, weights).loss());
      assertMatches(
          "dL/dCandidates", candidates, g.dCandidates(), () -> compute(q, weights).loss());
    }
  }

  @Test
  void lossIsTheWeightedSoftmaxCrossEntropyWithoutTheMaskedPairs() {
    double[] w = LossFixture.normalised(weights);
    double expected = 0;
    for (int i = 0; i < ANCHOR_KEYS.length; i++) {
      double positive = logit(i, i);
      double sum = 0;
      for (int j = 0; j < KEYS.length; j++) {
        boolean masked =
            j != i
                && (KEYS[j] == KEYS[i]
                    || KEYS[j] == ANCHOR_KEYS[i]
                    || (j < ANCHOR_KEYS.length && ANCHOR_KEYS[j] == ANCHOR_KEYS[i]));
        if (!masked) {
          sum += Math.exp(logit(i, j));
        }
      }
      expected += w[i] * (Math.log(sum) - positive);
    }
    assertThat(compute(null, weights).loss()).isCloseTo(expected, within(1e-12));
  }

  @Test
  void theAnchorItemItselfIsNeitherPositiveNorNegative() {
    // Row 3 alone: column 5 is anchor 3's own item; moving it must not change row 3's loss.
    INDArray onlyRow3 = LossFixture.vector(0, 0, 0, 1);
    assertThat(compute(null, onlyRow3).dCandidates().getRow(5).norm2Number().doubleValue())
        .isZero();
    // Row 1's item is candidate 2, the positive of anchor 2: masked for row 1 as well.
    INDArray onlyRow1 = LossFixture.vector(0, 1, 0, 0);
    assertThat(compute(null, onlyRow1).dCandidates().getRow(2).norm2Number().doubleValue())
        .isZero();
    // Rows 0 and 2 share their anchor item: each other's positives are co-clicked with it.
    INDArray onlyRow0 = LossFixture.vector(1, 0, 0, 0);
    LossGradients row0 = compute(null, onlyRow0);
    assertThat(row0.dCandidates().getRow(2).norm2Number().doubleValue()).isZero();
    assertThat(row0.dCandidates().getRow(4).norm2Number().doubleValue())
        .as("the same item as the positive")
        .isZero();
    assertThat(row0.dCandidates().getRow(1).norm2Number().doubleValue()).isGreaterThan(1e-5);
  }

  @Test
  void anAnchorMayNotBeItsOwnPositive() {
    int[] selfPaired = {10, 12, 20, 21};
    assertThatThrownBy(
            () ->
                ItemPairLoss.compute(
                    anchors, candidates, null, weights, KEYS, selfPaired, TEMPERATURE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("anchor 0");
  }

  @Test
  void pullsAnAnchorTowardsItsPositiveAndAwayFromTheNegatives() {
    LossGradients g = compute(null, weights);
    INDArray stepped = anchors.sub(g.dUsers().mul(0.1));
    double before = cosine(anchors.getRow(1), candidates.getRow(1));
    double after = cosine(stepped.getRow(1), candidates.getRow(1));
    assertThat(after).isGreaterThan(before);
  }

  private LossGradients compute(INDArray q, INDArray w) {
    return ItemPairLoss.compute(anchors, candidates, q, w, KEYS, ANCHOR_KEYS, TEMPERATURE);
  }

  private double logit(int i, int j) {
    return anchors.getRow(i).mul(candidates.getRow(j)).sumNumber().doubleValue() / TEMPERATURE;
  }

  private static double cosine(INDArray a, INDArray b) {
    return a.mul(b).sumNumber().doubleValue()
        / (a.norm2Number().doubleValue() * b.norm2Number().doubleValue());
  }
}

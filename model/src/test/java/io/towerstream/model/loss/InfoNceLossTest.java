package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;
import static io.towerstream.model.loss.LossFixture.COLUMNS;
import static io.towerstream.model.loss.LossFixture.DIM;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InfoNceLossTest {
  private final LossFixture f = new LossFixture();
  private final Random random = f.random;
  private final INDArray users = f.users;
  private final INDArray candidates = f.candidates;
  private final INDArray logQ = f.logQ;
  private final INDArray unitWeights = f.unitWeights;
  private final INDArray weights = f.weights;

  @Test
  void gradientsMatchFiniteDifferencesWithoutCorrectionOrMask() {
    checkGradients(null, unitWeights, null);
  }

  @Test
  void gradientsMatchFiniteDifferencesWithLogQMaskAndWeights() {
    checkGradients(logQ, weights, KEYS);
  }

  @Test
  void logScaleDerivativeMatchesFiniteDifferences() {
    f.checkGradients(new InfoNceLoss(InfoNceOptions.PLAIN), logQ, weights, KEYS, null, null);
  }

  @Test
  void lossEqualsNaiveWeightedSoftmaxCrossEntropy() {
    LossGradients result = InfoNceLoss.compute(users, candidates, logQ, weights, KEYS, TEMPERATURE);
    assertThat(result.loss()).isCloseTo(naiveLoss(logQ, weights, KEYS), within(1e-12));
    assertThat(result.dUsers().dataType()).isEqualTo(DataType.DOUBLE);
  }

  @Test
  void maskedCandidatesGetNoGradientFromTheRowTheyCollideWith() {
    // Row 3's only non-positive link to item 11 is column 1: its logit for row 3 is masked, so
    // moving column 1 must not change row 3's loss. Check via the loss with row 3 alone weighted.
    INDArray onlyRow3 = Nd4j.create(new double[] {0, 0, 0, 1}, new long[] {ROWS}, DataType.DOUBLE);
    LossGradients result =
        InfoNceLoss.compute(users, candidates, logQ, onlyRow3, KEYS, TEMPERATURE);
    assertThat(result.dCandidates().getRow(1).norm2Number().doubleValue()).isZero();
    // Without the mask the same column would be pushed away from user 3.
    LossGradients unmasked =
        InfoNceLoss.compute(users, candidates, logQ, onlyRow3, null, TEMPERATURE);
    assertThat(unmasked.dCandidates().getRow(1).norm2Number().doubleValue()).isGreaterThan(1e-5);
  }

  @Test
  void aRowWhoseOnlyCandidateIsItsPositiveHasZeroLoss() {
    // Two users clicked the same item and there are no other candidates: masking leaves each row
    // just its positive, so the loss is exactly 0, where without the mask it would be log 2.
    INDArray u = gaussian(random, 2, DIM, 1.0);
    INDArray item = gaussian(random, 1, DIM, 1.0);
    INDArray v = Nd4j.vstack(item, item);
    INDArray w = Nd4j.ones(DataType.DOUBLE, 2);
    assertThat(InfoNceLoss.compute(u, v, null, w, new int[] {7, 7}, TEMPERATURE).loss()).isZero();
    assertThat(InfoNceLoss.compute(u, v, null, w, null, TEMPERATURE).loss())
        .isCloseTo(Math.log(2), within(1e-12));
  }

  @Test
  void logQIsSubtractedSoPopularCandidatesGetSmallerLogits() {
    // Equal raw scores everywhere: every candidate is the same vector.
    INDArray u = Nd4j.ones(DataType.DOUBLE, 2, DIM);
    INDArray v = Nd4j.ones(DataType.DOUBLE, 4, DIM);
    double popularQ = 0.9;
    double rareQ = 0.01;
    INDArray q =
        Nd4j.create(
            new double[] {
              Math.log(popularQ), Math.log(popularQ), Math.log(popularQ), Math.log(rareQ)
            },
            new long[] {4},
            DataType.DOUBLE);
    INDArray logits = InfoNceLoss.correctedLogits(u, v, q, TEMPERATURE);
    assertThat(logits.getDouble(0, 2))
        .as("popular candidate's corrected logit")
        .isLessThan(logits.getDouble(0, 3));
    assertThat(logits.getDouble(0, 3) - logits.getDouble(0, 2))
        .isCloseTo(Math.log(popularQ / rareQ), within(1e-9));

    // The softmax therefore puts more mass on the rare negative, so the loss pushes the user harder
    // away from it than from the equally scored popular one. Adding log Q would do the opposite.
    LossGradients g =
        InfoNceLoss.compute(u, v, q, Nd4j.ones(DataType.DOUBLE, 2), null, TEMPERATURE);
    double pushOnRare = g.dCandidates().getRow(3).norm2Number().doubleValue();
    double pushOnPopular = g.dCandidates().getRow(2).norm2Number().doubleValue();
    assertThat(pushOnRare).isGreaterThan(10 * pushOnPopular);
  }

  @Test
  void aHopelessPositiveGivesALargeFiniteLossNotInfinity() {
    // At τ = 0.001 the positive trails the negative by 2000 nats: P_ii underflows to 0 in float.
    INDArray u = Nd4j.create(new float[] {1, 0}, new long[] {1, 2}, DataType.FLOAT);
    INDArray v = Nd4j.create(new float[] {-1, 0, 1, 0}, new long[] {2, 2}, DataType.FLOAT);
    LossGradients g = InfoNceLoss.compute(u, v, null, Nd4j.ones(DataType.FLOAT, 1), null, 0.001);
    assertThat(g.loss()).isCloseTo(2000.0, within(1e-3));
  }

  @Test
  void worksInFloatToo() {
    LossGradients d = InfoNceLoss.compute(users, candidates, logQ, weights, KEYS, TEMPERATURE);
    LossGradients f =
        InfoNceLoss.compute(
            users.castTo(DataType.FLOAT),
            candidates.castTo(DataType.FLOAT),
            logQ.castTo(DataType.FLOAT),
            weights.castTo(DataType.FLOAT),
            KEYS,
            TEMPERATURE);
    assertThat(f.dUsers().dataType()).isEqualTo(DataType.FLOAT);
    assertThat(f.loss()).isCloseTo(d.loss(), within(1e-5));
    assertThat(
            f.dCandidates().castTo(DataType.DOUBLE).sub(d.dCandidates()).amaxNumber().doubleValue())
        .isLessThan(1e-5);
  }

  private void checkGradients(INDArray q, INDArray w, int[] keys) {
    LossGradients analytic = InfoNceLoss.compute(users, candidates, q, w, keys, TEMPERATURE);
    assertMatches(
        "dL/dU",
        users,
        analytic.dUsers(),
        () -> InfoNceLoss.compute(users, candidates, q, w, keys, TEMPERATURE).loss());
    assertMatches(
        "dL/dV",
        candidates,
        analytic.dCandidates(),
        () -> InfoNceLoss.compute(users, candidates, q, w, keys, TEMPERATURE).loss());
  }

  /** The definition, element by element. */
  private double naiveLoss(INDArray q, INDArray w, int[] keys) {
    double total = 0;
    double weightSum = 0;
    for (int i = 0; i < ROWS; i++) {
      double[] logits = new double[COLUMNS];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < COLUMNS; j++) {
        double dot = 0;
        for (int k = 0; k < DIM; k++) {
          dot += users.getDouble(i, k) * candidates.getDouble(j, k);
        }
        logits[j] = dot / TEMPERATURE - q.getDouble(j);
        if (j != i && keys[j] == keys[i]) {
          logits[j] = Double.NEGATIVE_INFINITY;
        }
        max = Math.max(max, logits[j]);
      }
      double sum = 0;
      for (double l : logits) {
        sum += Math.exp(l - max);
      }
      total += w.getDouble(i) * (max + Math.log(sum) - logits[i]);
      weightSum += w.getDouble(i);
    }
    return total / weightSum;
  }
}

package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TripletLossTest {
  private final LossFixture f = new LossFixture();

  /** A wide margin keeps every row's hinge open, so every row's gradient is checked. */
  @Test
  void gradientsMatchFiniteDifferences() {
    TripletLoss loss = new TripletLoss(4.0);
    QueuedNegatives queue = f.queue(new int[] {10, 20}, -0.5, -3.0);
    for (QueuedNegatives q : new QueuedNegatives[] {null, queue}) {
      LossGradients g =
          loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, q);
      assertThat(g.loss()).isPositive();
      assertMatches(
          "dL/dU",
          f.users,
          g.dUsers(),
          () ->
              loss.compute(
                      f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, q)
                  .loss());
      assertMatches(
          "dL/dV",
          f.candidates,
          g.dCandidates(),
          () ->
              loss.compute(
                      f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, q)
                  .loss());
    }
  }

  /**
   * One user on the x axis; its item at cosine 0.8; negatives at 0.9 (closer than the positive: not
   * semi-hard), 0.6 (the semi-hard one) and 0.1 (easy). Margin 0.6: hinge = 0.6 + 2(0.6 − 0.8).
   */
  @Test
  void picksTheHardestNegativeThatIsStillFartherThanThePositive() {
    INDArray users = Nd4j.create(new double[][] {{1, 0}, {0, 1}});
    INDArray candidates =
        Nd4j.create(new double[][] {{0.8, 0.6}, {0, 1}, {0.9, 0.1}, {0.6, -0.1}, {0.1, -0.9}});
    INDArray weights = Nd4j.create(new double[] {1, 0}, new long[] {2}, DataType.DOUBLE);
    LossGradients g =
        new TripletLoss(0.6).compute(users, candidates, null, weights, null, null, 1.0, null);
    assertThat(g.loss()).isCloseTo(0.6 + 2 * (0.6 - 0.8), within(1e-12));
    assertThat(g.dCandidates().getRow(3).toDoubleVector()).containsExactly(2, 0); // pushed away
    assertThat(g.dCandidates().getRow(2).toDoubleVector()).containsExactly(0, 0); // not chosen
    assertThat(g.dCandidates().getRow(0).toDoubleVector()).containsExactly(-2, 0); // pulled in
    assertThat(g.dLogScale()).isZero();
  }

  @Test
  void aRowWithoutAnOpenHingeAddsNothingAndABadMarginFails() {
    INDArray users = Nd4j.create(new double[][] {{1, 0}, {0, 1}});
    INDArray candidates = Nd4j.create(new double[][] {{1, 0}, {0, 1}, {-1, 0}});
    INDArray weights = Nd4j.ones(DataType.DOUBLE, 2);
    LossGradients g =
        new TripletLoss(0.2).compute(users, candidates, null, weights, null, null, 1.0, null);
    assertThat(g.loss()).isZero();
    assertThat(g.dUsers().norm2Number().doubleValue()).isZero();
    assertThatThrownBy(() -> new TripletLoss(0)).hasMessageContaining("margin");
  }
}

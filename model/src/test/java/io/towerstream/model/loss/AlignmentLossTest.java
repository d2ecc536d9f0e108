package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AlignmentLossTest {
  private final LossFixture f = new LossFixture();
  private final AlignmentLoss loss = new AlignmentLoss();

  /** dU and dV; there is no temperature derivative to check, the loss has no temperature. */
  @Test
  void gradientsMatchFiniteDifferences() {
    QueuedNegatives queue = f.queue(new int[] {10, 20}, -0.5, -3.0);
    LossGradients g =
        loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue);
    assertMatches(
        "dL/dU",
        f.users,
        g.dUsers(),
        () ->
            loss.compute(
                    f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue)
                .loss());
    assertMatches(
        "dL/dV",
        f.candidates,
        g.dCandidates(),
        () ->
            loss.compute(
                    f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue)
                .loss());
    assertThat(g.dLogScale()).isZero();
  }

  @Test
  void lossIsTheWeightedSquaredDistanceToThePositiveAndNegativesGetNoGradient() {
    LossGradients g =
        loss.compute(f.users, f.candidates, null, f.weights, null, null, TEMPERATURE, null);
    double total = 0;
    double sum = f.weights.sumNumber().doubleValue();
    for (int i = 0; i < ROWS; i++) {
      double d = f.users.getRow(i).sub(f.candidates.getRow(i)).norm2Number().doubleValue();
      total += f.weights.getDouble(i) / sum * d * d;
    }
    assertThat(g.loss()).isCloseTo(total, within(1e-9));
    for (int j = ROWS; j < f.candidates.rows(); j++) {
      assertThat(LossFixture.norm(g.dCandidates(), j)).as("negative %d", j).isZero();
    }
  }
}

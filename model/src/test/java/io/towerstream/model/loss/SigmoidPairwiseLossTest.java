package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertDerivativeMatches;
import static io.towerstream.model.loss.LossFixture.COLUMNS;
import static io.towerstream.model.loss.LossFixture.DIM;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static io.towerstream.model.loss.LossFixture.norm;
import static io.towerstream.model.loss.LossFixture.onlyRow;
import static io.towerstream.model.loss.LossFixture.vector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SigmoidPairwiseLossTest {
  private static final double BIAS = -1.5;

  private final LossFixture f = new LossFixture();
  private final SigmoidPairwiseLoss loss = new SigmoidPairwiseLoss(BIAS);

  @Test
  void gradientsMatchFiniteDifferences() {
    f.checkGradients(loss, null, f.unitWeights, null, null, null);
    f.checkGradients(loss, f.logQ, f.weights, KEYS, USER_KEYS, null);
    f.checkGradients(
        loss, f.logQ, f.weights, KEYS, USER_KEYS, f.queue(new int[] {10, 20}, -0.5, -3.0));
  }

  @Test
  void biasDerivativeMatchesFiniteDifferences() {
    QueuedNegatives queue = f.queue(new int[] {10, 20}, -0.5, -3.0);
    double analytic =
        loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue)
            .dBias();
    assertDerivativeMatches(
        "dL/db",
        BIAS,
        analytic,
        b ->
            new SigmoidPairwiseLoss(b)
                .compute(
                    f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue)
                .loss());
  }

  @Test
  void lossEqualsTheDefinitionPairByPair() {
    double total = 0;
    for (int i = 0; i < ROWS; i++) {
      for (int j = 0; j < COLUMNS; j++) {
        double dot = f.users.getRow(i).mul(f.candidates.getRow(j)).sumNumber().doubleValue();
        double x = dot / TEMPERATURE + BIAS - f.logQ.getDouble(j);
        boolean positive = KEYS[j] == KEYS[i] || (j < ROWS && USER_KEYS[j] == USER_KEYS[i]);
        total += f.weights.getDouble(i) * -Math.log(1 / (1 + Math.exp(-(positive ? 1 : -1) * x)));
      }
    }
    double expected = total / f.weights.sumNumber().doubleValue();
    assertThat(
            loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE)
                .loss())
        .isCloseTo(expected, within(1e-12));
  }

  @Test
  void aDuplicatePositiveIsPulledTowardTheUserNotPushedAway() {
    // Column 5 is row 0's item again, column 4 a true negative. Gradient descent moves V_j by
    // −∂/∂V_j, which raises U_0·V_j when U_0·∂/∂V_j < 0.
    LossGradients g =
        loss.compute(f.users, f.candidates, f.logQ, onlyRow(0), KEYS, null, TEMPERATURE);
    assertThat(f.users.getRow(0).mul(g.dCandidates().getRow(5)).sumNumber().doubleValue())
        .isNegative();
    assertThat(f.users.getRow(0).mul(g.dCandidates().getRow(4)).sumNumber().doubleValue())
        .isPositive();
    LossGradients unkeyed =
        loss.compute(f.users, f.candidates, f.logQ, onlyRow(0), null, null, TEMPERATURE);
    assertThat(f.users.getRow(0).mul(unkeyed.dCandidates().getRow(5)).sumNumber().doubleValue())
        .isPositive();
  }

  @Test
  void logQIsSubtractedSoARareNegativeIsPushedHarderThanAPopularOne() {
    // Every score 0.5, unit vectors: at SigLIP's start (x = 0.5·10 − 10 − logQ) neither sigmoid
    // saturates.
    INDArray u = Nd4j.ones(DataType.DOUBLE, 2, DIM).divi(Math.sqrt(DIM));
    INDArray v = Nd4j.ones(DataType.DOUBLE, 4, DIM).divi(2 * Math.sqrt(DIM));
    INDArray q = vector(Math.log(0.9), Math.log(0.9), Math.log(0.9), Math.log(0.01));
    LossGradients g =
        new SigmoidPairwiseLoss(SigmoidPairwiseLoss.INITIAL_BIAS)
            .compute(
                u,
                v,
                q,
                Nd4j.ones(DataType.DOUBLE, 2),
                null,
                null,
                SigmoidPairwiseLoss.INITIAL_TEMPERATURE);
    assertThat(norm(g.dCandidates(), 3)).isGreaterThan(10 * norm(g.dCandidates(), 2));
  }

  @Test
  void mostlyNegativeLabelsWantALowerBias() {
    LossGradients g =
        new SigmoidPairwiseLoss(0.0)
            .compute(f.users, f.candidates, null, f.unitWeights, null, null, TEMPERATURE);
    assertThat(g.dBias()).isPositive();
  }

  @Test
  void staysFiniteAtExtremeLogits() {
    INDArray u = Nd4j.create(new float[] {1, 0}, new long[] {1, 2}, DataType.FLOAT);
    INDArray v = Nd4j.create(new float[] {-1, 0, 1, 0}, new long[] {2, 2}, DataType.FLOAT);
    LossGradients g =
        new SigmoidPairwiseLoss(0.0)
            .compute(u, v, null, Nd4j.ones(DataType.FLOAT, 1), null, null, 0.001);
    // Positive scored −1000, negative +1000: each costs 1000 nats, not ∞.
    assertThat(g.loss()).isCloseTo(2000.0, within(1e-2));
    assertThat(Double.isFinite(g.dBias())).isTrue();
  }

  @Test
  void worksInFloatToo() {
    LossGradients d =
        loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE);
    LossGradients fl =
        loss.compute(
            f.users.castTo(DataType.FLOAT),
            f.candidates.castTo(DataType.FLOAT),
            f.logQ.castTo(DataType.FLOAT),
            f.weights.castTo(DataType.FLOAT),
            KEYS,
            USER_KEYS,
            TEMPERATURE);
    assertThat(fl.dUsers().dataType()).isEqualTo(DataType.FLOAT);
    assertThat(fl.loss()).isCloseTo(d.loss(), within(1e-4));
    assertThat(fl.dBias()).isCloseTo(d.dBias(), within(1e-4));
  }
}

package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.ROWS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class SimSiamLossTest {
  private final LossFixture f = new LossFixture();
  private final INDArray predictor = gaussian(f.random, LossFixture.DIM, LossFixture.DIM, 0.5);
  private final SimSiamLoss loss = new SimSiamLoss(predictor);

  /**
   * The stop-gradient is what the gradients implement: with the targets held as constants, the
   * online inputs' and the predictor's gradients are the finite differences of the loss.
   */
  @Test
  void gradientsMatchFiniteDifferencesWithTheTargetsHeldConstant() {
    INDArray positives = f.candidates.get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all()).dup();
    INDArray userTargets = f.users.dup();
    INDArray positiveTargets = positives.dup();
    double[] w = LossFixture.normalised(f.weights);
    int columns = (int) f.candidates.rows();
    LossGradients g = loss.compute(f.users, positives, userTargets, positiveTargets, w, columns);
    assertMatches(
        "dL/dU",
        f.users,
        g.dUsers(),
        () -> loss.compute(f.users, positives, userTargets, positiveTargets, w, columns).loss());
    assertMatches(
        "dL/dV",
        positives,
        g.dCandidates().get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all()),
        () -> loss.compute(f.users, positives, userTargets, positiveTargets, w, columns).loss());
    assertMatches(
        "dL/dP",
        predictor,
        g.dHead(),
        () -> loss.compute(f.users, positives, userTargets, positiveTargets, w, columns).loss());
  }

  @Test
  void theContrastiveEntryPointIsTheSameLossWithItsOwnOutputsAsTargets() {
    QueuedNegatives queue = f.queue(new int[] {10, 20}, -0.5, -3.0);
    LossGradients g =
        loss.compute(f.users, f.candidates, f.logQ, f.weights, KEYS, USER_KEYS, TEMPERATURE, queue);
    INDArray positives = f.candidates.get(NDArrayIndex.interval(0, ROWS), NDArrayIndex.all());
    LossGradients direct =
        loss.compute(
            f.users,
            positives,
            f.users,
            positives,
            LossFixture.normalised(f.weights),
            (int) f.candidates.rows());
    assertThat(g.loss()).isCloseTo(direct.loss(), within(1e-12));
    assertThat(g.dUsers().equalsWithEps(direct.dUsers(), 1e-12)).isTrue();
    assertThat(g.dHead().equalsWithEps(direct.dHead(), 1e-12)).isTrue();
    for (int j = ROWS; j < f.candidates.rows(); j++) {
      assertThat(LossFixture.norm(g.dCandidates(), j)).as("sampled negative %d", j).isZero();
    }
  }

  /** Perfect predictions cost −1, the minimum; opposite ones +1. */
  @Test
  void theLossIsMinusTheMeanCosineOfPredictionAndTarget() {
    INDArray identity = Nd4j.eye(LossFixture.DIM).castTo(DataType.DOUBLE);
    INDArray same = f.users.dup();
    INDArray candidates = Nd4j.vstack(same, f.candidates.get(NDArrayIndex.interval(ROWS, 7)));
    SimSiamLoss identityLoss = new SimSiamLoss(identity);
    assertThat(
            identityLoss.compute(same, candidates, null, f.weights, null, null, TEMPERATURE).loss())
        .isCloseTo(-1.0, within(1e-12));
    INDArray opposite = Nd4j.vstack(same.neg(), f.candidates.get(NDArrayIndex.interval(ROWS, 7)));
    assertThat(
            identityLoss.compute(same, opposite, null, f.weights, null, null, TEMPERATURE).loss())
        .isCloseTo(1.0, within(1e-12));
  }

  @Test
  void aPredictorOfTheWrongShapeIsRefused() {
    SimSiamLoss wrong = new SimSiamLoss(Nd4j.eye(3).castTo(DataType.DOUBLE));
    assertThatThrownBy(
            () -> wrong.compute(f.users, f.candidates, null, f.weights, null, null, TEMPERATURE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("predictor must be 5 × 5");
  }
}

package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.loss.LossFixture.KEYS;
import static io.towerstream.model.loss.LossFixture.TEMPERATURE;
import static io.towerstream.model.loss.LossFixture.USER_KEYS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class BarlowTwinsLossTest {
  private final LossFixture f = new LossFixture();
  private final BarlowTwinsLoss loss = new BarlowTwinsLoss();

  @Test
  void gradientsMatchFiniteDifferencesThroughTheStandardisation() {
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
    for (int j = LossFixture.ROWS; j < f.candidates.rows(); j++) {
      assertThat(LossFixture.norm(g.dCandidates(), j)).as("sampled negative %d", j).isZero();
    }
  }

  /**
   * Two identical views whose dimensions are independent: C is near the identity and the loss near
   * 0; a collapsed view (every dimension the same signal) pays the off-diagonal term.
   */
  @Test
  void decorrelatedIdenticalViewsCostLittleAndRedundantDimensionsCostMore() {
    Random random = new Random(4);
    int b = 2000;
    int d = 4;
    double[][] x = new double[b][d];
    double[][] redundant = new double[b][d];
    for (int r = 0; r < b; r++) {
      double shared = random.nextGaussian();
      for (int k = 0; k < d; k++) {
        x[r][k] = random.nextGaussian();
        redundant[r][k] = shared;
      }
    }
    INDArray w = Nd4j.ones(DataType.DOUBLE, b);
    INDArray views = Nd4j.create(x);
    double independent = loss.compute(views, views, null, w, null, null, 1.0, null).loss();
    INDArray same = Nd4j.create(redundant);
    double collapsed = loss.compute(same, same, null, w, null, null, 1.0, null).loss();
    assertThat(independent).isLessThan(0.01);
    assertThat(collapsed).isCloseTo(d * (d - 1) / (double) d, within(0.01)); // λ = 1/d, C_kl = 1
  }
}

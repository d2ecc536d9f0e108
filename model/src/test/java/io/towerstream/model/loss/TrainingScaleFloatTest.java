package io.towerstream.model.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.NumericalGradient;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Every loss in FLOAT against itself in DOUBLE at training-like scale: unit vectors, τ = 0.05
 * (logits up to ±20), log-Q over four orders of magnitude, duplicate items and users, a queue. This
 * is where the shifts that keep the exponentials in range matter; the small gradient-check batches
 * never get near overflow.
 */
class TrainingScaleFloatTest {
  private static final int ROWS = 64;
  private static final int COLUMNS = 96;
  private static final int DIM = 16;
  private static final double TEMPERATURE = 0.05;

  private final Random random = new Random(5);
  private final INDArray users = unit(ROWS);
  private final INDArray candidates = unit(COLUMNS);
  private final INDArray logQ = uniform(COLUMNS, -9, 0);
  private final INDArray weights = uniform(ROWS, 0.5, 2);
  private final int[] keys = random.ints(COLUMNS, 0, 70).toArray();
  private final int[] userKeys = random.ints(ROWS, 0, 50).toArray();
  private final QueuedNegatives queue =
      new QueuedNegatives(unit(32), uniform(32, -6, -1), random.ints(32, 0, 70).toArray());

  @Test
  void floatMatchesDoubleForEveryLoss() {
    ContrastiveLoss[] losses = {
      new InfoNceLoss(InfoNceOptions.PLAIN),
      new InfoNceLoss(new InfoNceOptions(1.0, 0)),
      new InfoNceLoss(new InfoNceOptions(0.5, 0.001)),
      new SymmetricInfoNceLoss(new InfoNceOptions(0.5, 0.001)),
      new SigmoidPairwiseLoss(SigmoidPairwiseLoss.INITIAL_BIAS)
    };
    for (ContrastiveLoss loss : losses) {
      LossGradients d =
          loss.compute(users, candidates, logQ, weights, keys, userKeys, TEMPERATURE, queue);
      LossGradients f =
          loss.compute(
              f(users),
              f(candidates),
              f(logQ),
              f(weights),
              keys,
              userKeys,
              TEMPERATURE,
              new QueuedNegatives(f(queue.vectors()), f(queue.logQ()), queue.keys()));
      String what = loss.getClass().getSimpleName();
      assertThat(Double.isFinite(d.loss())).as(what).isTrue();
      assertThat(f.loss()).as(what).isCloseTo(d.loss(), within(1e-4 * Math.max(1, d.loss())));
      double scale = d.dCandidates().amaxNumber().doubleValue();
      assertThat(
              f.dCandidates()
                  .castTo(DataType.DOUBLE)
                  .sub(d.dCandidates())
                  .amaxNumber()
                  .doubleValue())
          .as(what)
          .isLessThan(1e-3 * scale);
      assertThat(f.dLogScale())
          .as(what)
          .isCloseTo(d.dLogScale(), within(1e-3 * Math.max(1, Math.abs(d.dLogScale()))));
    }
  }

  private INDArray unit(int rows) {
    INDArray m = NumericalGradient.gaussian(random, rows, DIM, 1.0);
    return m.diviColumnVector(m.norm2(1).reshape(rows, 1));
  }

  private INDArray uniform(int n, double low, double high) {
    double[] v = random.doubles(n, low, high).toArray();
    return Nd4j.create(v, new long[] {n}, DataType.DOUBLE);
  }

  private static INDArray f(INDArray a) {
    return a.castTo(DataType.FLOAT);
  }
}

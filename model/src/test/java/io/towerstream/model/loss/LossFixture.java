package io.towerstream.model.loss;

import static io.towerstream.model.NumericalGradient.assertDerivativeMatches;
import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;

import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One small seeded batch in DOUBLE, shared by the loss tests, and the gradient check every loss
 * must pass.
 */
final class LossFixture {
  static final int ROWS = 4;
  static final int COLUMNS = 7; // 4 positives + 3 sampled negatives
  static final int DIM = 5;
  static final double TEMPERATURE = 0.5;

  /** Row 1 and row 3 clicked the same item; sampled negative 5 is row 0's positive again. */
  static final int[] KEYS = {10, 11, 12, 11, 13, 10, 14};

  /** Rows 0 and 2 are the same user. */
  static final int[] USER_KEYS = {100, 101, 100, 102};

  final Random random = new Random(11);
  final INDArray users = gaussian(random, ROWS, DIM, 1.0);
  final INDArray candidates = gaussian(random, COLUMNS, DIM, 1.0);
  final INDArray logQ = vector(-0.1, -2.0, -0.7, -2.0, -3.5, -0.1, -1.2);
  final INDArray unitWeights = Nd4j.ones(DataType.DOUBLE, ROWS);
  final INDArray weights = vector(1.0, 0.5, 2.0, 1.5);

  static INDArray vector(double... values) {
    return Nd4j.create(values, new long[] {values.length}, DataType.DOUBLE);
  }

  /** {@code w / Σw}, as the losses normalise the row weights. */
  static double[] normalised(INDArray weights) {
    double[] w = weights.toDoubleVector();
    double sum = java.util.Arrays.stream(w).sum();
    return java.util.Arrays.stream(w).map(x -> x / sum).toArray();
  }

  /** Row {@code i} alone carries weight. */
  static INDArray onlyRow(int i) {
    INDArray w = Nd4j.zeros(DataType.DOUBLE, ROWS);
    w.putScalar(i, 1.0);
    return w;
  }

  /** The L2 norm of one row, e.g. how hard a loss pushes one candidate. */
  static double norm(INDArray rows, int row) {
    return rows.getRow(row).norm2Number().doubleValue();
  }

  /** A queue of {@code size} random unit-scale vectors with the given keys and logQ. */
  QueuedNegatives queue(int[] keys, double... logQ) {
    return new QueuedNegatives(
        gaussian(random, keys.length, DIM, 1.0), logQ.length == 0 ? null : vector(logQ), keys);
  }

  /**
   * Checks ∂/∂U, ∂/∂V and ∂/∂log(1/τ) of {@code loss} against central differences; the queue, a
   * constant, is not checked (it gets no gradient).
   */
  void checkGradients(
      ContrastiveLoss loss,
      INDArray q,
      INDArray w,
      int[] keys,
      int[] userKeys,
      QueuedNegatives queue) {
    LossGradients analytic =
        loss.compute(users, candidates, q, w, keys, userKeys, TEMPERATURE, queue);
    assertMatches(
        "dL/dU",
        users,
        analytic.dUsers(),
        () -> loss.compute(users, candidates, q, w, keys, userKeys, TEMPERATURE, queue).loss());
    assertMatches(
        "dL/dV",
        candidates,
        analytic.dCandidates(),
        () -> loss.compute(users, candidates, q, w, keys, userKeys, TEMPERATURE, queue).loss());
    assertDerivativeMatches(
        "dL/dlog(1/τ)",
        Math.log(1 / TEMPERATURE),
        analytic.dLogScale(),
        s -> loss.compute(users, candidates, q, w, keys, userKeys, Math.exp(-s), queue).loss());
  }
}

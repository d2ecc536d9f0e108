package io.towerstream.model.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What every loss here shares around its own logit math: validated inputs, the candidate columns
 * with any queue appended, the pairs that share a positive, the normalised row weights, one gemm
 * for the scores and the two for the gradients. Appending the queue to the candidates keeps the
 * score and user-gradient work one gemm each; the queue's columns of the score gradient are left
 * out of the candidate gradient, so it gets none.
 */
final class ScoredBatch {
  final INDArray users;

  /** The candidates, then the queue's vectors. */
  final INDArray columns;

  /** Length {@code columns.rows()}, or null. */
  final INDArray logQ;

  final int rows;
  final int candidates;
  final int[][] sharedPositives;

  /** {@code w_i / Σ w}. */
  final double[] weights;

  private ScoredBatch(
      INDArray users,
      INDArray columns,
      INDArray logQ,
      int candidates,
      int[][] sharedPositives,
      double[] weights) {
    this.users = users;
    this.columns = columns;
    this.logQ = logQ;
    this.rows = (int) users.rows();
    this.candidates = candidates;
    this.sharedPositives = sharedPositives;
    this.weights = weights;
  }

  static ScoredBatch of(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      int[] userKeys,
      double temperature,
      QueuedNegatives queue) {
    int rows = (int) users.rows();
    int c = (int) candidates.rows();
    validate(
        users, candidates, logQ, weights, candidateKeys, userKeys, temperature, queue, rows, c);
    INDArray columns = candidates;
    INDArray allLogQ = logQ == null ? null : logQ.reshape(c);
    int[] keys = candidateKeys;
    if (queue != null) {
      columns = Nd4j.vstack(candidates, queue.vectors());
      allLogQ =
          allLogQ == null ? null : Nd4j.concat(0, allLogQ, queue.logQ().reshape(queue.size()));
      if (keys != null) {
        keys = Arrays.copyOf(candidateKeys, c + queue.size());
        System.arraycopy(queue.keys(), 0, keys, c, queue.size());
      }
    }
    double[] w = weights.reshape(rows).toDoubleVector();
    double sum = Arrays.stream(w).sum();
    for (int i = 0; i < rows; i++) {
      w[i] /= sum;
    }
    int[][] pairs = CollisionMask.sharedPositives(keys, userKeys, rows, (int) columns.rows());
    return new ScoredBatch(users, columns, allLogQ, c, pairs, w);
  }

  /**
   * This batch with {@code extra} {@code {i, j}} pairs masked as well, each pair once, sorted by
   * row then column as {@link CollisionMask#sharedPositives} sorts them. Does not modify this
   * batch.
   */
  ScoredBatch withMasked(int[][] extra) {
    int width = (int) columns.rows();
    long[] codes = new long[sharedPositives.length + extra.length];
    int n = 0;
    for (int[][] pairs : new int[][][] {sharedPositives, extra}) {
      for (int[] pair : pairs) {
        codes[n++] = (long) pair[0] * width + pair[1];
      }
    }
    Arrays.sort(codes);
    int[][] merged = new int[codes.length][];
    int distinct = 0;
    for (int k = 0; k < codes.length; k++) {
      if (k == 0 || codes[k] != codes[k - 1]) {
        merged[distinct++] = new int[] {(int) (codes[k] / width), (int) (codes[k] % width)};
      }
    }
    return new ScoredBatch(
        users, columns, logQ, candidates, Arrays.copyOf(merged, distinct), weights);
  }

  /** {@code scale · U·[V; queue]ᵀ}, a fresh {@code B × (C + K)} array. */
  INDArray scores(double scale) {
    INDArray s = Nd4j.createUninitialized(users.dataType(), rows, columns.rows());
    Nd4j.gemm(users, columns, s, false, true, scale, 0.0);
    return s;
  }

  /**
   * Back from {@code g = ∂loss/∂(U·[V; queue]ᵀ)} to the tower outputs. Every logit depends on the
   * scale only through {@code e^s U_i·V_j}, so {@code ∂loss/∂s = Σ_ij g_ij U_i·V_j = Σ U ⊙
   * ∂loss/∂U}: a {@code B × d} dot instead of another pass over {@code B × C}. {@code
   * extraLogScale} is what depends on τ in other ways.
   */
  LossGradients gradients(double loss, INDArray g, double extraLogScale, double dBias) {
    return gradients(loss, g, null, extraLogScale, dBias);
  }

  /**
   * As {@link #gradients(double, INDArray, double, double)}, plus {@code h = ∂loss/∂(V_B·Uᵀ)}
   * ({@code B × B}, row {@code j} a positive item, column {@code k} a user) from a loss over the
   * users: two small gemms that add into the results instead of a strided transposed add into
   * {@code g}.
   */
  LossGradients gradients(double loss, INDArray g, INDArray h, double extraLogScale, double dBias) {
    INDArray dUsers = Nd4j.createUninitialized(users.dataType(), rows, users.columns());
    Nd4j.gemm(g, columns, dUsers, false, false, 1.0, 0.0);
    INDArray own =
        candidates == columns.rows()
            ? g
            : g.get(NDArrayIndex.all(), NDArrayIndex.interval(0, candidates))
                .dup(); // the queue's columns dropped
    INDArray dCandidates = Nd4j.createUninitialized(users.dataType(), candidates, users.columns());
    Nd4j.gemm(own, users, dCandidates, true, false, 1.0, 0.0);
    if (h != null) {
      Nd4j.gemm(h, positives(), dUsers, true, false, 1.0, 1.0);
      Nd4j.gemm(
          h,
          users,
          dCandidates.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all()),
          false,
          false,
          1.0,
          1.0);
    }
    double dLogScale = Nd4j.getBlasWrapper().dot(flat(users), flat(dUsers)) + extraLogScale;
    return new LossGradients(loss, dUsers, dCandidates, dLogScale, dBias);
  }

  /**
   * A {@code candidates × d} gradient that is {@code dPositives} on the {@code B} positives and
   * zero on every sampled negative: what a negative-free loss returns.
   */
  static INDArray onPositivesOnly(INDArray dPositives, int candidates) {
    INDArray d = Nd4j.zeros(dPositives.dataType(), candidates, dPositives.columns());
    d.get(NDArrayIndex.interval(0, dPositives.rows()), NDArrayIndex.all()).assign(dPositives);
    return d;
  }

  /** The rows' positive items, {@code V_B}: a view of the first {@code B} candidate rows. */
  INDArray positives() {
    return columns.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
  }

  /**
   * A strided view of the leading square block's diagonal, {@code a[i, i]} for {@code i <
   * a.rows()}.
   */
  static INDArray diagonal(INDArray a) {
    return Nd4j.create(
        a.data(),
        new long[] {a.rows()},
        new long[] {a.stride(0) + a.stride(1)},
        a.offset(),
        'c',
        a.dataType());
  }

  private static INDArray flat(INDArray a) {
    return a.reshape(a.length());
  }

  private static void validate(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] keys,
      int[] userKeys,
      double temperature,
      QueuedNegatives queue,
      int rows,
      int columns) {
    if (users.rank() != 2 || candidates.rank() != 2 || users.columns() != candidates.columns()) {
      throw new IllegalArgumentException(
          "users and candidates must be matrices of equal width, were "
              + Arrays.toString(users.shape())
              + " and "
              + Arrays.toString(candidates.shape()));
    }
    if (columns < rows) {
      throw new IllegalArgumentException(
          "need the " + rows + " positives among the candidates, got " + columns);
    }
    if (users.dataType() != candidates.dataType()
        || weights.dataType() != users.dataType()
        || (logQ != null && logQ.dataType() != users.dataType())) {
      throw new IllegalArgumentException("all inputs must share one dtype");
    }
    if (weights.length() != rows
        || (logQ != null && logQ.length() != columns)
        || (keys != null && keys.length != columns)
        || (userKeys != null && userKeys.length != rows)) {
      throw new IllegalArgumentException(
          "weights and user keys need " + rows + " entries, logQ and keys " + columns);
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, was " + temperature);
    }
    if (queue != null
        && (queue.vectors().columns() != users.columns()
            || queue.vectors().dataType() != users.dataType()
            || (queue.logQ() == null) != (logQ == null)
            || (queue.logQ() != null && queue.logQ().dataType() != users.dataType()))) {
      throw new IllegalArgumentException(
          "the queue must match the users' width and dtype, and have logQ exactly"
              + " when the candidates do");
    }
  }
}

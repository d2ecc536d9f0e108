package io.towerstream.model.history;

/**
 * The input of the history-pooling user tower: {@code z_i = w·e_i + Σ_p a_p h_p} over row i's
 * history ({@code w} the id weight of the {@link RecencyWeights}, 1 unless set), with {@code a_p =
 * γ^age / Σ γ^age} ({@code age} 0 for the newest item; {@code γ = model.history.recency-decay}, 1 =
 * the plain mean), the user's id embedding plus the mean embedding of their recent items (YouTube
 * DNN's "watch vector", Covington et al. 2016). A user with one click already gets a vector that
 * says something, and a user whose id row is barely trained (everything rated in one session) is
 * carried by items that are trained by every other user. A user without history gets {@code z_i =
 * e_i}.
 *
 * <p>The pooling is linear, so its backward is its adjoint: {@code ∂L/∂e_i = ∂L/∂z_i} and {@code
 * ∂L/∂h_p = ∂L/∂z_i / n_i}. Plain loops: a batch pools at most B × history rows, less work than the
 * per-call overhead of an ND4J op. The positions of row {@code i} are {@code [offsets[i],
 * offsets[i+1])}.
 */
public final class HistoryPooling {
  private HistoryPooling() {}

  /** {@link #forward(float[], float[], int[], int, RecencyWeights)} with the plain mean. */
  public static float[] forward(float[] userRows, float[] pooledRows, int[] offsets, int dim) {
    return forward(userRows, pooledRows, offsets, dim, RecencyWeights.MEAN);
  }

  /**
   * @param userRows {@code B × dim} id embeddings
   * @param pooledRows {@code positions × dim} history embeddings, row {@code i}'s at its offsets
   * @param offsets length {@code B + 1}, non-decreasing, {@code offsets[0] = 0}; each row's
   *     positions oldest first
   * @param weights the recency weights of each row's positions
   * @return {@code B × dim} tower inputs, a fresh array; the arguments are not modified
   */
  public static float[] forward(
      float[] userRows, float[] pooledRows, int[] offsets, int dim, RecencyWeights weights) {
    float[] z = idGradient(userRows, weights); // w·e: the same scaling as its adjoint
    int rows = offsets.length - 1;
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      if (n == 0) {
        continue;
      }
      int dst = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int src = p * dim;
        float w = weights.weight(n, p - offsets[i]);
        for (int k = 0; k < dim; k++) {
          z[dst + k] += w * pooledRows[src + k];
        }
      }
    }
    return z;
  }

  /**
   * The adjoint of {@link #forward} for the id embeddings: {@code ∂L/∂e_i = w·∂L/∂z_i}. A fresh
   * array; {@code dInputs} is not modified.
   */
  public static float[] idGradient(float[] dInputs, RecencyWeights weights) {
    float w = weights.idWeight();
    float[] d = dInputs.clone();
    if (w != 1f) {
      for (int k = 0; k < d.length; k++) {
        d[k] *= w;
      }
    }
    return d;
  }

  /**
   * The adjoint of {@link #forward} per position: the definition the gradient checks test. The step
   * itself uses {@link #backwardPooledByDistinct} and {@link #pooledSquaredNorm}, which give the
   * same sums without this array.
   *
   * @param dInputs {@code B × dim} gradient of the loss with respect to the tower inputs {@code z}
   * @return {@code positions × dim} gradient with respect to each pooled row, a fresh array; the
   *     gradient with respect to the id embeddings is {@link #idGradient}
   */
  public static float[] backwardPooled(
      float[] dInputs, int[] offsets, int dim, RecencyWeights weights) {
    int rows = offsets.length - 1;
    float[] d = new float[offsets[rows] * dim];
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      int src = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int dst = p * dim;
        float w = weights.weight(n, p - offsets[i]);
        for (int k = 0; k < dim; k++) {
          d[dst + k] = w * dInputs[src + k];
        }
      }
    }
    return d;
  }

  /** {@link #backwardPooled(float[], int[], int, RecencyWeights)} of the plain mean. */
  public static float[] backwardPooled(float[] dInputs, int[] offsets, int dim) {
    return backwardPooled(dInputs, offsets, dim, RecencyWeights.MEAN);
  }

  /**
   * The gradient with respect to each distinct pooled row, summed over its positions, without
   * building the per-position array of {@link #backwardPooled} (at B = 1024 and 50 history items, 3
   * million floats a step): the same sums, in the same order.
   *
   * @param distinctOf the distinct row of each position
   * @return {@code distinctCount × dim} sums, a fresh array; the arguments are not modified
   */
  public static float[] backwardPooledByDistinct(
      float[] dInputs,
      int[] offsets,
      int[] distinctOf,
      int distinctCount,
      int dim,
      RecencyWeights weights) {
    int rows = offsets.length - 1;
    float[] sums = new float[distinctCount * dim];
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      int src = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int dst = distinctOf[p] * dim;
        float w = weights.weight(n, p - offsets[i]);
        for (int k = 0; k < dim; k++) {
          sums[dst + k] += w * dInputs[src + k];
        }
      }
    }
    return sums;
  }

  /**
   * {@link #backwardPooledByDistinct(float[], int[], int[], int, int, RecencyWeights)}, plain mean.
   */
  public static float[] backwardPooledByDistinct(
      float[] dInputs, int[] offsets, int[] distinctOf, int distinctCount, int dim) {
    return backwardPooledByDistinct(
        dInputs, offsets, distinctOf, distinctCount, dim, RecencyWeights.MEAN);
  }

  /**
   * The squared L2 norm of {@link #backwardPooled}'s per-position gradients, {@code Σ_i Σ_p a_p²
   * ‖∂L/∂z_i‖²}, for the global gradient clip, without building them. NaN when any gradient is.
   */
  public static double pooledSquaredNorm(
      float[] dInputs, int[] offsets, int dim, RecencyWeights weights) {
    int rows = offsets.length - 1;
    double total = 0;
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      if (n == 0) {
        continue;
      }
      for (int j = 0; j < n; j++) {
        float w = weights.weight(n, j);
        double rowSum = 0;
        for (int k = 0; k < dim; k++) {
          double x = w * dInputs[i * dim + k]; // as the per-position value is rounded
          rowSum += x * x;
        }
        total += rowSum;
        if (weights.isMean()) { // every position the same: n times the first
          total += (n - 1) * rowSum;
          break;
        }
      }
    }
    return total;
  }

  /** {@link #pooledSquaredNorm(float[], int[], int, RecencyWeights)} of the plain mean. */
  public static double pooledSquaredNorm(float[] dInputs, int[] offsets, int dim) {
    return pooledSquaredNorm(dInputs, offsets, dim, RecencyWeights.MEAN);
  }

  /**
   * The gradient with respect to learned logits by age ({@link RecencyWeights#ofLogits}): with
   * {@code g_p = ∂L/∂z_i · h_p} for each position of row {@code i}, the softmax's Jacobian gives
   * {@code ∂L/∂θ_age = Σ_i a_p (g_p − Σ_q a_q g_q)} over the position {@code p} of that age; ages
   * from {@code ages − 1} on share the last logit and add to it. A fresh array; the arguments are
   * not modified.
   *
   * @param pooledRows {@code positions × dim} history embeddings, as given to {@link #forward}
   * @param ages the number of logits
   */
  public static float[] logitGradient(
      float[] dInputs,
      float[] pooledRows,
      int[] offsets,
      int dim,
      RecencyWeights weights,
      int ages) {
    double[] grad = new double[ages];
    int rows = offsets.length - 1;
    double[] g = new double[0];
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      if (g.length < n) {
        g = new double[n];
      }
      double mean = 0;
      for (int j = 0; j < n; j++) {
        int src = (offsets[i] + j) * dim;
        double dot = 0;
        for (int k = 0; k < dim; k++) {
          dot += (double) dInputs[i * dim + k] * pooledRows[src + k];
        }
        g[j] = dot;
        mean += weights.weight(n, j) * dot;
      }
      for (int j = 0; j < n; j++) {
        int age = Math.min(n - 1 - j, ages - 1);
        grad[age] += weights.weight(n, j) * (g[j] - mean);
      }
    }
    float[] out = new float[ages];
    for (int age = 0; age < ages; age++) {
      out[age] = (float) grad[age];
    }
    return out;
  }
}

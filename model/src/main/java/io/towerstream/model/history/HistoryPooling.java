package io.towerstream.model.history;

/**
 * The input of the history-pooling user tower: {@code z_i = e_i + mean(h_p : p in row i's
 * history)}, the user's id embedding plus the mean embedding of their recent items (YouTube DNN's
 * "watch vector", Covington et al. 2016). A user with one click already gets a vector that says
 * something, and a user whose id row is barely trained (everything rated in one session) is carried
 * by items that are trained by every other user. A user without history gets {@code z_i = e_i}.
 *
 * <p>The pooling is linear, so its backward is its adjoint: {@code ∂L/∂e_i = ∂L/∂z_i} and {@code
 * ∂L/∂h_p = ∂L/∂z_i / n_i}. Plain loops: a batch pools at most B × history rows, less work than the
 * per-call overhead of an ND4J op. The positions of row {@code i} are {@code [offsets[i],
 * offsets[i+1])}.
 */
public final class HistoryPooling {
  private HistoryPooling() {}

  /**
   * @param userRows {@code B × dim} id embeddings
   * @param pooledRows {@code positions × dim} history embeddings, row {@code i}'s at its offsets
   * @param offsets length {@code B + 1}, non-decreasing, {@code offsets[0] = 0}
   * @return {@code B × dim} tower inputs, a fresh array; the arguments are not modified
   */
  public static float[] forward(float[] userRows, float[] pooledRows, int[] offsets, int dim) {
    float[] z = userRows.clone();
    int rows = offsets.length - 1;
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      if (n == 0) {
        continue;
      }
      float inv = 1f / n;
      int dst = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int src = p * dim;
        for (int k = 0; k < dim; k++) {
          z[dst + k] += inv * pooledRows[src + k];
        }
      }
    }
    return z;
  }

  /**
   * The adjoint of {@link #forward} per position: the definition the gradient checks test. The step
   * itself uses {@link #backwardPooledByDistinct} and {@link #pooledSquaredNorm}, which give the
   * same sums without this array.
   *
   * @param dInputs {@code B × dim} gradient of the loss with respect to the tower inputs {@code z}
   * @return {@code positions × dim} gradient with respect to each pooled row, a fresh array; the
   *     gradient with respect to the id embeddings is {@code dInputs} itself
   */
  public static float[] backwardPooled(float[] dInputs, int[] offsets, int dim) {
    int rows = offsets.length - 1;
    float[] d = new float[offsets[rows] * dim];
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      float inv = n == 0 ? 0f : 1f / n;
      int src = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int dst = p * dim;
        for (int k = 0; k < dim; k++) {
          d[dst + k] = inv * dInputs[src + k];
        }
      }
    }
    return d;
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
      float[] dInputs, int[] offsets, int[] distinctOf, int distinctCount, int dim) {
    int rows = offsets.length - 1;
    float[] sums = new float[distinctCount * dim];
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      float inv = n == 0 ? 0f : 1f / n;
      int src = i * dim;
      for (int p = offsets[i]; p < offsets[i + 1]; p++) {
        int dst = distinctOf[p] * dim;
        for (int k = 0; k < dim; k++) {
          sums[dst + k] += inv * dInputs[src + k];
        }
      }
    }
    return sums;
  }

  /**
   * The squared L2 norm of {@link #backwardPooled}'s per-position gradients, {@code Σ_i ‖∂L/∂z_i‖²
   * / n_i}, for the global gradient clip, without building them. NaN when any gradient is.
   */
  public static double pooledSquaredNorm(float[] dInputs, int[] offsets, int dim) {
    int rows = offsets.length - 1;
    double total = 0;
    for (int i = 0; i < rows; i++) {
      int n = offsets[i + 1] - offsets[i];
      if (n == 0) {
        continue;
      }
      float inv = 1f / n;
      double rowSum = 0;
      for (int k = 0; k < dim; k++) {
        double x = inv * dInputs[i * dim + k]; // as the per-position value is rounded
        rowSum += x * x;
      }
      total += n * rowSum;
    }
    return total;
  }
}

package io.towerstream.model.history;

/**
 * The input of the history-pooling user tower: {@code z_i = e_i + mean(h_p : p in row i's history)}, the
 * user's id embedding plus the mean embedding of their recent items (YouTube DNN's "watch vector", Covington
 * et al. 2016). A user with one click already gets a vector that says something, and a user whose id row is
 * barely trained (everything rated in one session) is carried by items that are trained by every other user.
 * A user without history gets {@code z_i = e_i}.
 *
 * <p>The pooling is linear, so its backward is its adjoint: {@code ∂L/∂e_i = ∂L/∂z_i} and
 * {@code ∂L/∂h_p = ∂L/∂z_i / n_i}. Plain loops: a batch pools at most B × history rows, less work than the
 * per-call overhead of an ND4J op. The positions of row {@code i} are {@code [offsets[i], offsets[i+1])}.
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
   * @param dInputs {@code B × dim} gradient of the loss with respect to the tower inputs {@code z}
   * @return {@code positions × dim} gradient with respect to each pooled row, a fresh array; the gradient
   *     with respect to the id embeddings is {@code dInputs} itself
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
}

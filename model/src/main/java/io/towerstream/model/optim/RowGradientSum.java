package io.towerstream.model.optim;

/**
 * Sums per-position gradients into per-distinct-row gradients (ids repeated in a batch share one
 * row).
 */
public final class RowGradientSum {
  private RowGradientSum() {}

  /**
   * @param positionGrads {@code positions × dim} gradients, row-major
   * @param distinctOf the distinct row index of each position, in {@code [0, distinctCount)}
   * @return {@code distinctCount × dim} sums; the inputs are not modified
   */
  public static float[] byDistinct(
      float[] positionGrads, int[] distinctOf, int positions, int distinctCount, int dim) {
    float[] sums = new float[distinctCount * dim];
    for (int p = 0; p < positions; p++) {
      int src = p * dim;
      int dst = distinctOf[p] * dim;
      for (int j = 0; j < dim; j++) {
        sums[dst + j] += positionGrads[src + j];
      }
    }
    return sums;
  }
}

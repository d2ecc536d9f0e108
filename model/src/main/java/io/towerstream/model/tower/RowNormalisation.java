package io.towerstream.model.tower;

/**
 * The L2 normalisation {@code o = y/‖y‖} of a headless tower (no projection, no MLP), forward and
 * backward, in plain loops over row-major floats. {@link TowerMath} does the same in ND4J, where
 * each of its half-dozen calls per direction costs more than the arithmetic at the batch sizes a
 * stream trains with; here the work is one pass over the rows. Norms are accumulated in double and
 * clamped like {@link TowerMath}'s.
 */
public final class RowNormalisation {
  private static final double MIN_NORM = 1e-12;

  private RowNormalisation() {}

  /**
   * Writes {@code rows} normalised rows of {@code y} ({@code dim} floats each, packed) into {@code
   * out} at stride {@code outStride} (room for extra columns), and each row's norm into {@code
   * norms}. Mutates {@code out} and {@code norms} only.
   */
  public static void forward(
      float[] y, int rows, int dim, float[] out, int outStride, float[] norms) {
    for (int r = 0; r < rows; r++) {
      int src = r * dim;
      double ss = 0;
      for (int k = 0; k < dim; k++) {
        float x = y[src + k];
        ss += (double) x * x;
      }
      float norm = (float) Math.max(Math.sqrt(ss), MIN_NORM);
      norms[r] = norm;
      float inv = 1f / norm;
      int dst = r * outStride;
      for (int k = 0; k < dim; k++) {
        out[dst + k] = y[src + k] * inv;
      }
    }
  }

  /**
   * The gradient with respect to the unnormalised rows, {@code (g − o·(g·o)) / ‖y‖}, from the
   * gradient {@code g} with respect to the outputs (both at their strides; only the first {@code
   * dim} columns are read). Returns a fresh packed {@code rows × dim} array; the arguments are not
   * modified.
   */
  public static float[] backward(
      float[] g, int gStride, float[] out, int outStride, float[] norms, int rows, int dim) {
    float[] d = new float[rows * dim];
    for (int r = 0; r < rows; r++) {
      int gi = r * gStride;
      int oi = r * outStride;
      double radial = 0;
      for (int k = 0; k < dim; k++) {
        radial += (double) g[gi + k] * out[oi + k];
      }
      float rad = (float) radial;
      float inv = 1f / norms[r];
      int di = r * dim;
      for (int k = 0; k < dim; k++) {
        d[di + k] = (g[gi + k] - out[oi + k] * rad) * inv;
      }
    }
    return d;
  }
}

package io.towerstream.model.optim;

/**
 * Sparse ("lazy") Adam for embedding tables, as TensorFlow Addons' LazyAdam: a row's moments move
 * only when the row has a gradient, so a step costs the batch's rows, not the table. Row state is
 * {@code [t, m_1..m_dim, v_1..v_dim]}: {@code 2·dim + 1} floats, three times the weights, against
 * Adagrad's one.
 *
 * <p>Bias correction uses the row's own update count {@code t}, not the global step that LazyAdam
 * uses: with the global step, a row first seen late would skip the correction and its first step
 * would be {@code lr·(1−β1)/√(1−β2) ≈ 3.2·lr} along the gradient's sign, not {@code lr}. {@code t}
 * is a float, exact up to 2^24 updates, long after both corrections have reached 1.
 */
public final class LazyAdam implements RowOptimizer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  private final float learningRate;

  public LazyAdam(float learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, was " + learningRate);
    }
    this.learningRate = learningRate;
  }

  @Override
  public int stateWidth(int dim) {
    return 2 * dim + 1;
  }

  @Override
  public void update(float[] row, int off, int dim, float[] grad, int gOff, float scale) {
    int state = off + dim;
    float t = Math.min(row[state] + 1, 1 << 24);
    row[state] = t;
    // The bias corrections folded into two per-row factors: one division and one square root per
    // coordinate, w -= (lr / c1) · m / (√(v / c2) + ε), the same update as (lr · m/c1) / (√(v/c2) +
    // ε).
    double step = learningRate / (1 - Math.pow(BETA1, t));
    double inverseCorrection2 = 1 / (1 - Math.pow(BETA2, t));
    int m = state + 1;
    int v = m + dim;
    for (int j = 0; j < dim; j++) {
      double g = (double) grad[gOff + j] * scale;
      double mj = BETA1 * row[m + j] + (1 - BETA1) * g;
      double vj = BETA2 * row[v + j] + (1 - BETA2) * g * g;
      row[m + j] = (float) mj;
      row[v + j] = (float) vj;
      row[off + j] -= (float) (step * mj / (Math.sqrt(vj * inverseCorrection2) + EPSILON));
    }
  }
}

package io.towerstream.model.optim;

/**
 * Sparse row-wise Adagrad for embedding tables (the EXACT_ROWWISE_ADAGRAD of FBGEMM/TorchRec): one
 * accumulator per row instead of one per coordinate, so optimizer state costs 1 float per row
 * rather than {@code dim}. For a row with gradient g: {@code G += mean(g²); w -= lr · g / (sqrt(G)
 * + eps)}.
 *
 * <p>Only rows with a gradient are touched. Callers must sum the gradients of ids repeated within a
 * batch first ({@link RowGradientSum}) so each row gets exactly one update per step.
 */
public final class RowwiseAdagrad implements RowOptimizer {
  private static final float EPSILON = 1e-10f;
  private final float learningRate;

  public RowwiseAdagrad(float learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, was " + learningRate);
    }
    this.learningRate = learningRate;
  }

  @Override
  public int stateWidth(int dim) {
    return 1;
  }

  /**
   * Updates one row stored as {@code dim} weights at {@code row[off..]} followed by its
   * accumulator, with gradient {@code scale · grad[gOff..gOff+dim)}.
   */
  @Override
  public void update(float[] row, int off, int dim, float[] grad, int gOff, float scale) {
    double sumSquares = 0;
    for (int j = 0; j < dim; j++) {
      float g = grad[gOff + j] * scale;
      sumSquares += (double) g * g;
    }
    float accumulator = row[off + dim] + (float) (sumSquares / dim);
    row[off + dim] = accumulator;
    float step = learningRate / ((float) Math.sqrt(accumulator) + EPSILON);
    for (int j = 0; j < dim; j++) {
      row[off + j] -= step * (grad[gOff + j] * scale);
    }
  }
}

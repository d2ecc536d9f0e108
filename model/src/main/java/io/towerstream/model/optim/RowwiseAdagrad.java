package io.towerstream.model.optim;

import io.towerstream.model.tables.IdTable;

/**
 * Sparse row-wise Adagrad for embedding tables (the EXACT_ROWWISE_ADAGRAD of FBGEMM/TorchRec): one
 * accumulator per row instead of one per coordinate, so optimizer state costs 1 float per row rather than
 * {@code dim}. For a row with gradient g: {@code G += mean(g²); w -= lr · g / (sqrt(G) + eps)}.
 *
 * <p>Only rows with a gradient are touched. Callers must sum the gradients of ids repeated within a batch
 * first ({@link RowGradientSum}) so each row gets exactly one update per step.
 */
public final class RowwiseAdagrad {
  private static final float EPSILON = 1e-10f;
  private final float learningRate;

  public RowwiseAdagrad(float learningRate) {
    if (!(learningRate > 0)) {
      throw new IllegalArgumentException("learning rate must be positive, was " + learningRate);
    }
    this.learningRate = learningRate;
  }

  /**
   * Updates each row {@code slots[k] >= 0} of {@code table} with gradient {@code scale · grads[k·dim..]}.
   * Mutates the table only; rows with slot -1 are skipped.
   */
  public void apply(IdTable table, int[] slots, float[] grads, float scale) {
    int dim = table.dim();
    for (int k = 0; k < slots.length; k++) {
      int slot = slots[k];
      if (slot >= 0) {
        update(table.chunk(slot), table.offset(slot), dim, grads, k * dim, scale);
      }
    }
  }

  /**
   * Updates one row stored as {@code dim} weights at {@code row[off..]} followed by its accumulator, with
   * gradient {@code scale · grad[gOff..gOff+dim)}.
   */
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

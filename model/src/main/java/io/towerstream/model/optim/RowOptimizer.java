package io.towerstream.model.optim;

/**
 * A sparse optimizer for embedding tables: each row carries its own state right after its weights
 * ({@link OptimizedRows#stateWidth()} floats), so only the rows a batch touches are read or written
 * and eviction drops a row's state with the row.
 *
 * <p>Callers must sum the gradients of ids repeated within a batch first ({@link RowGradientSum})
 * so each row gets exactly one update per step.
 */
public interface RowOptimizer {
  /** Floats of state per row of {@code dim} weights. */
  int stateWidth(int dim);

  /**
   * Updates one row stored as {@code dim} weights at {@code row[off..]} followed by its state, with
   * gradient {@code scale · grad[gOff..gOff+dim)}. Mutates the row only.
   */
  void update(float[] row, int off, int dim, float[] grad, int gOff, float scale);

  /**
   * Updates each row {@code slots[k] >= 0} of {@code table} with gradient {@code scale ·
   * grads[k·dim..]}. Mutates the table only; rows with slot -1 are skipped.
   */
  default void apply(OptimizedRows table, int[] slots, float[] grads, float scale) {
    if (table.stateWidth() != stateWidth(table.dim())) {
      throw new IllegalArgumentException(
          "table rows hold "
              + table.stateWidth()
              + " state floats, this optimizer "
              + "needs "
              + stateWidth(table.dim()));
    }
    int dim = table.dim();
    for (int k = 0; k < slots.length; k++) {
      int slot = slots[k];
      if (slot >= 0) {
        update(table.chunk(slot), table.offset(slot), dim, grads, k * dim, scale);
      }
    }
  }
}

package io.towerstream.model.optim;

/**
 * Rows that a {@link RowOptimizer} updates in place: each row's {@code dim} weights followed by its
 * {@code stateWidth} floats of optimizer state, in chunks of floats. Declared here so the
 * optimizers need not know the tables that store the rows.
 */
public interface OptimizedRows {
  /** Weights per row. */
  int dim();

  /** Floats of optimizer state after each row's weights. */
  int stateWidth();

  /** The array holding the row in {@code slot}. */
  float[] chunk(int slot);

  /** Where the row in {@code slot} starts in its {@link #chunk}. */
  int offset(int slot);
}

package io.towerstream.model;

import java.util.Objects;

/**
 * What one replica of a data-parallel model changed since its previous delta: for each item row, the change of
 * its {@code dim} weights and of its learned bias ({@code dim + 1} floats per item, row after row), and the
 * change of the dense weights (both towers' heads, then the learned scalars) or null when they did not move.
 * Replicas exchange deltas rather than values so that changes made at the same time on different replicas add
 * up instead of overwriting each other (asynchronous data-parallel SGD, as parameter servers apply pushes).
 */
public record ReplicaDelta(int dim, String[] itemIds, float[] itemValues, float[] dense) {
  public ReplicaDelta {
    Objects.requireNonNull(itemIds, "itemIds");
    Objects.requireNonNull(itemValues, "itemValues");
    if (itemValues.length != itemIds.length * (dim + 1)) {
      throw new IllegalArgumentException("a delta of " + itemIds.length + " items of dim " + dim + " needs "
          + itemIds.length * (dim + 1) + " values, has " + itemValues.length);
    }
  }

  public static ReplicaDelta empty(int dim) {
    return new ReplicaDelta(dim, new String[0], new float[0], null);
  }

  public int items() {
    return itemIds.length;
  }

  public boolean isEmpty() {
    return itemIds.length == 0 && dense == null;
  }
}

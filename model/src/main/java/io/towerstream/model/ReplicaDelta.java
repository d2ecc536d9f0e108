package io.towerstream.model;

import java.util.Objects;

/**
 * What one replica of a data-parallel model changed since its previous delta. Per item ({@value
 * #EXTRA_COLUMNS} more floats than the dimension, row after row): the change of its {@code dim}
 * weights, of its learned bias, and the log-mass of the clicks it saw in the popularity prior
 * (relative to {@code priorOrigin}, {@code −∞} for none). Then the change of the dense weights
 * (both towers' heads, then the learned scalars), or null when they did not move, and how many
 * events the replica trained in between, which advances the receivers' stream position. Replicas
 * exchange changes rather than values so that changes made at the same time on different replicas
 * add up instead of overwriting each other (asynchronous data-parallel SGD, as parameter servers
 * apply pushes). Last, the change of each side-feature token row ({@code dim} floats each) that
 * moved.
 */
public record ReplicaDelta(
    int dim,
    String[] itemIds,
    float[] itemValues,
    float[] dense,
    long events,
    long priorOrigin,
    String[] featureIds,
    float[] featureValues) {
  /** Floats per item beyond the weights: the bias change and the prior log-mass. */
  public static final int EXTRA_COLUMNS = 2;

  public ReplicaDelta {
    Objects.requireNonNull(itemIds, "itemIds");
    Objects.requireNonNull(itemValues, "itemValues");
    if (itemValues.length != itemIds.length * stride(dim)) {
      throw new IllegalArgumentException(
          "a delta of "
              + itemIds.length
              + " items of dim "
              + dim
              + " needs "
              + itemIds.length * stride(dim)
              + " values, has "
              + itemValues.length);
    }
    Objects.requireNonNull(featureIds, "featureIds");
    Objects.requireNonNull(featureValues, "featureValues");
    if (featureValues.length != featureIds.length * dim) {
      throw new IllegalArgumentException(
          "a delta of "
              + featureIds.length
              + " side-feature rows of dim "
              + dim
              + " needs "
              + featureIds.length * dim
              + " values, has "
              + featureValues.length);
    }
    if (events < 0) {
      throw new IllegalArgumentException("events must be non-negative, was " + events);
    }
  }

  /** A delta without side-feature rows. */
  public ReplicaDelta(
      int dim, String[] itemIds, float[] itemValues, float[] dense, long events, long priorOrigin) {
    this(dim, itemIds, itemValues, dense, events, priorOrigin, new String[0], new float[0]);
  }

  /** Floats per item in {@link #itemValues}. */
  public static int stride(int dim) {
    return dim + EXTRA_COLUMNS;
  }

  public static ReplicaDelta empty(int dim) {
    return new ReplicaDelta(dim, new String[0], new float[0], null, 0, 0);
  }

  public int items() {
    return itemIds.length;
  }

  /** Side-feature token rows in {@link #featureValues}. */
  public int features() {
    return featureIds.length;
  }

  /** Nothing to tell: no item, no feature row, no dense change, no event. */
  public boolean isEmpty() {
    return itemIds.length == 0 && featureIds.length == 0 && dense == null && events == 0;
  }
}

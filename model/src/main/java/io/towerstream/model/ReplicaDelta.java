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
 *
 * <p>A delta arrives over a topic, so the receiver checks it whole ({@link #requireApplicableTo})
 * before adding any of it: a delta applied halfway would leave the replicas apart for good.
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
      throw new InvalidReplicaDeltaException(
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
      throw new InvalidReplicaDeltaException(
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
      throw new InvalidReplicaDeltaException("events must be non-negative, was " + events);
    }
  }

  /** A delta without side-feature rows. */
  public ReplicaDelta(
      int dim, String[] itemIds, float[] itemValues, float[] dense, long events, long priorOrigin) {
    this(dim, itemIds, itemValues, dense, events, priorOrigin, new String[0], new float[0]);
  }

  /**
   * Checks that this delta fits a model of dimension {@code modelDim} whose dense weights are
   * {@code modelDenseSize} floats, and that every id is present and every change finite (a prior
   * log-mass may also be {@code −∞}: no clicks). Changes nothing.
   *
   * @throws InvalidReplicaDeltaException naming the first problem found
   */
  public void requireApplicableTo(int modelDim, int modelDenseSize) {
    if (dim != modelDim) {
      throw new InvalidReplicaDeltaException(
          "replica delta of dim " + dim + " for a model of dim " + modelDim);
    }
    if (dense != null && dense.length != modelDenseSize) {
      throw new InvalidReplicaDeltaException(
          "replica delta has "
              + dense.length
              + " dense values, this model "
              + modelDenseSize
              + ": the replicas' tower heads or learned scalars differ");
    }
    int stride = stride(dim);
    for (int k = 0; k < itemIds.length; k++) {
      String id = requireId(itemIds[k], "item", k);
      requireFinite(itemValues, k * stride, dim + 1, "weight or bias change of item '" + id + "'");
      float prior = itemValues[k * stride + dim + 1];
      if (Float.isNaN(prior) || prior == Float.POSITIVE_INFINITY) {
        throw new InvalidReplicaDeltaException(
            "prior log-mass " + prior + " of item '" + id + "' (finite, or -Infinity for none)");
      }
    }
    for (int k = 0; k < featureIds.length; k++) {
      String id = requireId(featureIds[k], "side-feature token", k);
      requireFinite(featureValues, k * dim, dim, "change of side-feature token '" + id + "'");
    }
    if (dense != null) {
      requireFinite(dense, 0, dense.length, "dense change");
    }
  }

  private static String requireId(String id, String what, int k) {
    if (id == null || id.isEmpty()) {
      throw new InvalidReplicaDeltaException(
          "replica delta has " + (id == null ? "no" : "an empty") + " " + what + " id at " + k);
    }
    return id;
  }

  private static void requireFinite(float[] values, int from, int length, String what) {
    for (int j = from; j < from + length; j++) {
      if (!Float.isFinite(values[j])) {
        throw new InvalidReplicaDeltaException(
            "non-finite " + what + ": " + values[j] + " at " + (j - from));
      }
    }
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

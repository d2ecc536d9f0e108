package io.towerstream.store.index;

import java.util.Map;

/** Dimension checks shared by the indexes: every vector of an index has one dimension. */
final class Dimensions {
  private Dimensions() {}

  /**
   * @throws IllegalArgumentException naming the item, when {@code vector} is empty or not {@code
   *     expected} long
   */
  static void check(String id, float[] vector, int expected) {
    if (vector.length == 0 || vector.length != expected) {
      throw new IllegalArgumentException(
          "item " + id + " has dimension " + vector.length + ", index has " + expected);
    }
  }

  /**
   * Checks every upsert of a batch before anything is applied, so a bad vector leaves the index
   * untouched. An index that the batch's removals empty takes the dimension of the batch's first
   * vector.
   *
   * @return the dimension the index has after the batch
   */
  static int checkBatch(Map<String, ItemVector> upserts, boolean emptyAfterRemovals, int current) {
    int expected =
        emptyAfterRemovals && !upserts.isEmpty()
            ? upserts.values().iterator().next().vector().length
            : current;
    upserts.forEach((id, v) -> check(id, v.vector(), expected));
    return expected;
  }
}

package io.towerstream.store.rocks;

import java.util.Arrays;
import java.util.List;

/**
 * The latest vector of one user or item, as stored. Ordering between two versions of the same
 * entity is by {@code (modelVersion, sequence)}; {@code updatedAt} is informational.
 *
 * <p>The array is owned by this record: callers must not mutate it.
 *
 * @param bias an item's additive score term (a user's score for it is {@code user·vector + bias});
 *     0 for users and for values written before the trainer published one
 * @param recentItems a user's items as its tower pooled them, most recent first; empty for items
 *     and for values written before the trainer published them
 */
public record StoredVector(
    long modelVersion,
    long sequence,
    long updatedAt,
    float[] vector,
    float bias,
    List<String> recentItems) {

  public StoredVector {
    recentItems = List.copyOf(recentItems);
  }

  /** A vector without recent items (items, and users of an id-only tower). */
  public StoredVector(
      long modelVersion, long sequence, long updatedAt, float[] vector, float bias) {
    this(modelVersion, sequence, updatedAt, vector, bias, List.of());
  }

  /** A vector without bias (users, and items of a trainer that publishes none). */
  public StoredVector(long modelVersion, long sequence, long updatedAt, float[] vector) {
    this(modelVersion, sequence, updatedAt, vector, 0f);
  }

  public int dimension() {
    return vector.length;
  }

  /**
   * Whether this update should replace {@code current}: a higher model version, or the same and a
   * higher sequence.
   */
  public boolean supersedes(StoredVector current) {
    if (modelVersion != current.modelVersion) {
      return modelVersion > current.modelVersion;
    }
    return sequence > current.sequence;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredVector s
        && modelVersion == s.modelVersion
        && sequence == s.sequence
        && updatedAt == s.updatedAt
        && Arrays.equals(vector, s.vector)
        && Float.floatToIntBits(bias) == Float.floatToIntBits(s.bias)
        && recentItems.equals(s.recentItems);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(modelVersion) * 31
        + Long.hashCode(sequence) * 17
        + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "StoredVector[modelVersion="
        + modelVersion
        + ", sequence="
        + sequence
        + ", updatedAt="
        + updatedAt
        + ", dim="
        + vector.length
        + ", bias="
        + bias
        + ", recentItems="
        + recentItems.size()
        + "]";
  }
}

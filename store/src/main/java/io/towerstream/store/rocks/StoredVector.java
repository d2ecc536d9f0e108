package io.towerstream.store.rocks;

import java.util.Arrays;

/**
 * The latest vector of one user or item, as stored. Ordering between two versions of the same entity is by
 * {@code (modelVersion, sequence)}; {@code updatedAt} is informational.
 *
 * <p>The array is owned by this record: callers must not mutate it.
 */
public record StoredVector(long modelVersion, long sequence, long updatedAt, float[] vector) {

  public int dimension() {
    return vector.length;
  }

  /** Whether this update should replace {@code current}: a higher model version, or the same and a higher sequence. */
  public boolean supersedes(StoredVector current) {
    if (modelVersion != current.modelVersion) {
      return modelVersion > current.modelVersion;
    }
    return sequence > current.sequence;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredVector s && modelVersion == s.modelVersion && sequence == s.sequence
        && updatedAt == s.updatedAt && Arrays.equals(vector, s.vector);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(modelVersion) * 31 + Long.hashCode(sequence) * 17 + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    return "StoredVector[modelVersion=" + modelVersion + ", sequence=" + sequence + ", updatedAt=" + updatedAt
        + ", dim=" + vector.length + "]";
  }
}

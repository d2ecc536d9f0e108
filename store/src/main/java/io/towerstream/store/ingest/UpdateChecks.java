package io.towerstream.store.ingest;

import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.StoredVector;

/**
 * Whether the store may apply an update, given what it already holds: the checks a record cannot
 * pass or fail alone ({@link RecordDecoder} does those). One instance per batch, asked about the
 * batch's upserts in topic order; an upsert it admits counts for those after it.
 *
 * <ul>
 *   <li><b>Dimension.</b> Every vector has the item index's dimension (the first vector sets it in
 *       an empty index): a vector of another cannot be scored.
 *   <li><b>Model version.</b> The trainer stamps every update with its {@code model.version}: a
 *       non-negative generation number, the same for the whole life of a job, that an operator
 *       raises (by one, or by a few) to deploy a new model; what grows with every publish is the
 *       {@code sequence}. So an update is refused when its version is negative, or lies more than
 *       {@code --max-model-version-lead} above the highest version the store has applied (counted
 *       from 0 while it holds none). Applied, such an update would beat every later one of its key
 *       for good, since the stored {@code (modelVersion, sequence)} only grows, and, as the newest
 *       version, be all that a bare-vector query returns. No deployment's next generation lies a
 *       million versions ahead (the default bound), while a corrupt or overflowed number almost
 *       always does; a job that numbers its generations by timestamps needs a larger bound.
 * </ul>
 */
final class UpdateChecks {
  private final long maxModelVersionLead;
  private int dimension;
  private long highestVersion;

  /**
   * @param dimension the index's dimension, 0 while it is empty
   * @param highestVersion the highest model version the store has applied, -1 for none
   */
  UpdateChecks(int dimension, long highestVersion, long maxModelVersionLead) {
    this.dimension = dimension;
    this.highestVersion = Math.max(0, highestVersion);
    this.maxModelVersionLead = maxModelVersionLead;
  }

  /**
   * Why {@code m} must not be applied, or null when it may (a tombstone always may); an admitted
   * upsert sets the dimension of an empty index and raises the highest version.
   */
  String problem(EmbeddingMutation m) {
    if (m.isDelete()) {
      return null;
    }
    StoredVector v = m.vector();
    if (dimension != 0 && v.dimension() != dimension) {
      return "vector of dimension "
          + v.dimension()
          + " for "
          + what(m)
          + ", the store's is "
          + dimension;
    }
    long version = v.modelVersion();
    if (version < 0) {
      return "negative model version " + version + " for " + what(m);
    }
    if (version - highestVersion > maxModelVersionLead) {
      return "model version "
          + version
          + " for "
          + what(m)
          + " lies more than "
          + maxModelVersionLead
          + " above the highest the store has applied ("
          + highestVersion
          + "; see --max-model-version-lead)";
    }
    dimension = v.dimension();
    highestVersion = Math.max(highestVersion, version);
    return null;
  }

  /** The update's key for a message, built only when there is one to give. */
  private static String what(EmbeddingMutation m) {
    return m.entity() + ":" + m.id();
  }
}

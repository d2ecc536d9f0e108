package io.towerstream.model;

/**
 * Receives user rows that changed, and users whose row went, from {@link
 * OnlineModel#drainUserRows}: the hook for a caller that keeps user rows outside the model as well
 * (a sharded Flink trainer keeps them in keyed state, so that they are snapshotted incrementally
 * and move with their key when the job rescales).
 */
public interface UserRowSink {
  /**
   * The user's whole row as {@link OnlineModel#importUserRows} takes it back; the array is the
   * sink's.
   */
  void changed(String userId, byte[] row);

  /** The user's row was evicted or expired: it no longer exists. */
  void removed(String userId);
}

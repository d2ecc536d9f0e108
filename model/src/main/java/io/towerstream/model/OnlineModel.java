package io.towerstream.model;

import java.util.List;

/**
 * A two-tower retrieval model trained one mini-batch at a time. Not thread-safe: one owner (a Flink
 * operator subtask, a test) calls it. This interface is the seam where a sharded model can replace the
 * single-owner one.
 */
public interface OnlineModel {

  /** Takes one gradient step on a batch of positive pairs (in-batch and reservoir negatives inside). */
  StepResult train(List<Interaction> batch);

  /**
   * Hands every user and item whose tower output changed since the previous drain to {@code sink}, then
   * forgets them. Rows never drained stay pending across snapshots.
   */
  void drainChanged(ChangedRowSink sink);

  /** The current tower output of a user, or null when the user has no row. Returns a fresh array. */
  float[] userVector(String userId);

  /** The current tower output of an item, or null when the item has no row. Returns a fresh array. */
  float[] itemVector(String itemId);

  /**
   * The current tower outputs of many users at once, row-major {@code n × dim}, a zero row for a user
   * without a row; cheaper than {@link #userVector} per user. Returns a fresh array.
   */
  float[] userVectors(List<String> userIds);

  /**
   * The current tower outputs of many items at once, row-major {@code n × dim}, a zero row for an item
   * without a row; cheaper than {@link #itemVector} per item. Returns a fresh array.
   */
  float[] itemVectors(List<String> itemIds);

  /**
   * The item's additive score term (the weighted popularity prior), so that a user's score for the item is
   * {@code userVector · itemVector + itemBias}; 0 for an unknown item or with the prior off.
   */
  float itemBias(String itemId);

  ModelStats stats();

  /**
   * Serialises the whole model (tables, tower weights, optimizer state, samplers, frequency estimates,
   * pending changes) in a versioned binary format, consistently at this instant.
   */
  byte[] snapshot();
}

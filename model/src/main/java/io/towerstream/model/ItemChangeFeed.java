package io.towerstream.model;

import java.util.function.Consumer;

/**
 * The items whose served output (vector or bias) changed, for a reader inside the training process
 * that keeps its own copy of them (the live test-then-train evaluator's item matrix), independently
 * of publishing: each feed is drained on its own. From {@link OnlineModel#itemChangeFeed()}.
 */
public interface ItemChangeFeed {
  /**
   * Hands every item whose output changed since the previous drain (or since the feed was created)
   * to {@code changed} with its current vector and bias, after the ids of items evicted in between
   * to {@code removed}; then forgets them.
   */
  void drain(ChangedRowSink changed, Consumer<String> removed);
}

package io.towerstream.model;

import java.util.List;
import java.util.function.Predicate;

/**
 * A two-tower retrieval model trained one mini-batch at a time. Not thread-safe: one owner (a Flink
 * operator subtask, a test) calls it. This interface is the seam where a sharded model can replace
 * the single-owner one.
 */
public interface OnlineModel {

  /**
   * Takes one gradient step on a batch of positive pairs (in-batch and reservoir negatives inside).
   */
  StepResult train(List<Interaction> batch);

  /**
   * Hands every user and item whose tower output changed since the previous drain to {@code sink},
   * then forgets them. Rows never drained stay pending across snapshots.
   */
  void drainChanged(ChangedRowSink sink);

  /**
   * As {@link #drainChanged(ChangedRowSink)}, but hands out only the items {@code publishesItem}
   * accepts (the replica that owns an item publishes it); every user, and every pending item, is
   * forgotten all the same.
   */
  void drainChanged(ChangedRowSink sink, Predicate<String> publishesItem);

  /**
   * As {@link #drainChanged(ChangedRowSink, Predicate)}; with {@code clickedItemsOnly}, of the
   * items this replica publishes only those clicked since the last drain (or all, after a change of
   * every item's output) go out, and the others stay pending for a later drain. Users always go
   * out. Items clicked nowhere move only as sampled negatives or history items, by small steps:
   * publishing them less often cuts the published volume several times over without delaying a
   * click's effect.
   */
  void drainChanged(ChangedRowSink sink, Predicate<String> publishesItem, boolean clickedItemsOnly);

  /**
   * Marks every user and item as changed, so the next drain hands out the whole model (a final
   * publish).
   */
  void markAllChanged();

  /**
   * A new feed of item output changes, drained independently of {@link #drainChanged}: what the
   * model trains, restores or receives from other replicas from now on marks items in every feed.
   */
  ItemChangeFeed itemChangeFeed();

  /**
   * As {@link #itemChangeFeed()}, but its first drain hands out every item the model holds, for a
   * reader that starts with none of them (e.g. after a restore).
   */
  ItemChangeFeed itemChangeFeedFromAll();

  /**
   * The current tower output of a user, or null when the user has no row. Returns a fresh array.
   */
  float[] userVector(String userId);

  /**
   * The items the user tower pools for the user, most recent first, at most {@code max}: what
   * explains the user's vector. Empty for an unknown user and for an id-only user tower. Returns a
   * fresh list.
   */
  List<String> recentItems(String userId, int max);

  /**
   * The current tower output of an item, or null when the item has no row. Returns a fresh array.
   */
  float[] itemVector(String itemId);

  /**
   * The current tower outputs of many users at once, row-major {@code n × dim}, a zero row for a
   * user without a row; cheaper than {@link #userVector} per user. Returns a fresh array.
   */
  float[] userVectors(List<String> userIds);

  /**
   * The current tower outputs of many items at once, row-major {@code n × dim}, a zero row for an
   * item without a row; cheaper than {@link #itemVector} per item. Returns a fresh array.
   */
  float[] itemVectors(List<String> itemIds);

  /**
   * The item's additive score term (the weighted popularity prior), so that a user's score for the
   * item is {@code userVector · itemVector + itemBias}; 0 for an unknown item or with the prior
   * off.
   */
  float itemBias(String itemId);

  ModelStats stats();

  /**
   * Replaces an item's side features: the tokens (see {@link
   * io.towerstream.model.features.FeatureTokens}) whose rows the item tower pools with the item's
   * id row. An item without a row gets one, so that a catalogue item with features but no click yet
   * is served and published (cold start); an empty list removes the features. The item goes out at
   * the next drain. Ignored when side features are off ({@code model.item-features.max-tokens} 0);
   * tokens beyond that bound are dropped.
   */
  void setItemFeatures(String itemId, List<String> tokens);

  // ---- user rows kept outside the model (a sharded trainer's keyed state)
  // -----------------------------------

  /**
   * Starts recording which user rows change, for {@link #drainUserRows}. A model nobody drains
   * would only accumulate them, so this is off until called. Idempotent.
   */
  void trackUserRows();

  /**
   * Hands every user row changed since the previous drain (weights, optimizer state, history,
   * whether it awaits publishing) to {@code sink}, after the users whose row was evicted or expired
   * in between.
   *
   * @throws IllegalStateException unless {@link #trackUserRows} was called
   */
  void drainUserRows(UserRowSink sink);

  /**
   * Adds rows handed out by {@link #drainUserRows} (by this model or the one a snapshot came from)
   * to a model that lacks those users, oldest activity first. Rows beyond the table's bound evict
   * as inserts do, and are reported by the next drain.
   *
   * @throws IllegalArgumentException when a row is corrupt, of another dimension, or its user
   *     already exists
   */
  void importUserRows(List<UserRow> rows);

  /**
   * As {@link #snapshot()} without the user rows (the user table is written empty with its
   * counters), for a caller that keeps them itself; the model restored from it takes them back with
   * {@link #importUserRows}.
   */
  byte[] snapshotWithoutUsers();

  // ---- replicas of a data-parallel model
  // ----------------------------------------------------------------------

  /**
   * Starts recording local changes of item rows and dense weights for {@link #takeReplicaDelta}:
   * this model is one of several replicas that train. Replicas serve the configured prior weight
   * and do not tune it (each would pick its own from its own users). Idempotent.
   */
  void trackReplicaDelta();

  /**
   * The changes of item rows and dense weights since the previous call (or since {@link
   * #trackReplicaDelta}), for the other replicas.
   *
   * @throws IllegalStateException unless {@link #trackReplicaDelta} was called
   */
  ReplicaDelta takeReplicaDelta();

  /**
   * Adds another replica's delta to this model's item rows and dense weights, creating rows it
   * lacks. The rows it changes are published like trained ones.
   *
   * @throws InvalidReplicaDeltaException when the delta does not fit this model (dimension, tower
   *     heads) or a change in it is not finite ({@link ReplicaDelta#requireApplicableTo}); the
   *     model is unchanged then
   */
  void applyReplicaDelta(ReplicaDelta delta);

  /**
   * Serialises the whole model (tables, tower weights, optimizer state, samplers, frequency
   * estimates, pending changes) in a versioned binary format, consistently at this instant.
   */
  byte[] snapshot();
}

package io.towerstream.model.twotower;

import io.towerstream.model.ChangedRowSink;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ItemChangeFeed;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.model.StepResult;
import io.towerstream.model.UserRow;
import io.towerstream.model.UserRowSink;
import io.towerstream.model.snapshot.SnapshotFormat;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tables.IdTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The single-owner two-tower model: collisionless id tables, L2-normalised towers (optionally
 * projected), InfoNCE over in-batch plus reservoir negatives with log-Q correction, row-wise
 * Adagrad for tables and Adam for projections. Deterministic given the config's seed and the order
 * of the batches, across snapshot and restore. Not thread-safe.
 */
public final class TwoTowerModel implements OnlineModel {
  /** Rows per ND4J call when computing outputs for a drain. */
  private static final int OUTPUT_CHUNK_ROWS = 1024;

  private final ModelState state;
  private final TrainingStep step;
  private final PriorTuning priorTuning;

  public TwoTowerModel(ModelConfig config) {
    this(ModelState.fresh(Objects.requireNonNull(config, "config")));
  }

  private TwoTowerModel(ModelState state) {
    this.state = state;
    this.step = new TrainingStep(state);
    this.priorTuning = new PriorTuning(state);
  }

  /**
   * Rebuilds a model from {@link #snapshot()} bytes, with hyper-parameters (learning rates,
   * temperature, …) from {@code config}.
   *
   * @throws IllegalArgumentException when the snapshot is not one, has an unknown format version, a
   *     dim or tower projection setting other than {@code config}'s, more rows than the configured
   *     bounds, or is corrupt
   */
  public static TwoTowerModel restore(byte[] snapshot, ModelConfig config) {
    Objects.requireNonNull(config, "config");
    SnapshotReader in = SnapshotFormat.open(snapshot, config.dim());
    try {
      return new TwoTowerModel(ModelState.readFrom(in, config));
    } catch (IllegalArgumentException e) {
      if (in.formatVersion() != 3) {
        throw e;
      }
      // Format 3 has two layouts: the tower MLP field came within it. Reading one as the other
      // fails (every part is length- and range-checked, and the whole body must be consumed), so
      // the other is tried; when both fail, which message names the real problem depends on the
      // layout, so both are given.
      try {
        return new TwoTowerModel(ModelState.readFrom(in.asVersion3WithoutTowerMlp(), config));
      } catch (IllegalArgumentException again) {
        throw new IllegalArgumentException(
            e.getMessage()
                + " (read as format 3 without tower MLP fields, as "
                + "the first format-3 builds wrote it: "
                + again.getMessage()
                + ")",
            e);
      }
    }
  }

  /** For tests in this package, which check per-row state the public interface does not show. */
  ModelState state() {
    return state;
  }

  public ModelConfig config() {
    return state.config;
  }

  /** {@inheritDoc} An empty batch is a no-op. */
  @Override
  public StepResult train(List<Interaction> batch) {
    List<boolean[]> tuning = null;
    if (!Objects.requireNonNull(batch, "batch").isEmpty() && priorTuning.due()) {
      tuning = priorTuning.score(batch); // test, then train: before the batch moves the model
    }
    StepResult r = step.run(batch);
    if (tuning != null && !r.skipped()) {
      priorTuning.record(tuning, batch.size()); // a skipped step leaves the model as it was
    }
    if (state.replay != null && !batch.isEmpty() && !r.skipped()) {
      replayAfter(batch);
    }
    return r;
  }

  /**
   * Experience replay: trains {@code ratio × batch} earlier positives again (the fraction by a
   * seeded draw), then keeps the batch for later replays.
   */
  private void replayAfter(List<Interaction> batch) {
    double want = state.config.replayRatio() * batch.size();
    int count = (int) want + (state.replayRandom.nextDouble() < want - (int) want ? 1 : 0);
    step.replay(state.replay.draw(count, state.replayRandom));
    state.replay.addAll(batch);
  }

  @Override
  public void drainChanged(ChangedRowSink sink) {
    drainChanged(sink, id -> true);
  }

  @Override
  public void drainChanged(ChangedRowSink sink, Predicate<String> publishesItem) {
    drainChanged(sink, publishesItem, false);
  }

  @Override
  public void drainChanged(
      ChangedRowSink sink, Predicate<String> publishesItem, boolean clickedItemsOnly) {
    state.expandFeatureChanges();
    drain(EntityKind.USER, state.userChanges.take(state.users.size()), id -> true, sink);
    int size = state.items.size();
    if (!clickedItemsOnly || state.itemChanges.isAll()) {
      state.clickedItems.take(size);
      drain(EntityKind.ITEM, state.itemChanges.take(size), publishesItem, sink);
      return;
    }
    boolean[] clicked = new boolean[size];
    for (int slot : state.clickedItems.take(size)) {
      clicked[slot] = true;
    }
    int[] pending = state.itemChanges.take(size);
    int[] now = new int[pending.length];
    int n = 0;
    for (int slot : pending) {
      if (!state.items.isLive(slot) || !publishesItem.test(state.items.idAt(slot))) {
        continue; // gone, or another replica's to publish
      }
      if (clicked[slot]) {
        now[n++] = slot;
      } else {
        state.itemChanges.markHere(slot); // later: its followers saw the change already
      }
    }
    drain(EntityKind.ITEM, Arrays.copyOf(now, n), id -> true, sink);
  }

  @Override
  public void markAllChanged() {
    state.userChanges.markAll();
    state.itemChanges.markAll();
  }

  @Override
  public ItemChangeFeed itemChangeFeed() {
    return itemChangeFeed(new ChangeTracker());
  }

  @Override
  public ItemChangeFeed itemChangeFeedFromAll() {
    ChangeTracker tracker = new ChangeTracker();
    tracker.markAll();
    return itemChangeFeed(tracker);
  }

  private ItemChangeFeed itemChangeFeed(ChangeTracker tracker) {
    state.itemChanges.addFollower(tracker);
    List<String> evicted = new java.util.ArrayList<>();
    state.evictedForFeeds.add(evicted);
    return (changed, removed) -> {
      state.expandFeatureChanges();
      for (String id : evicted) {
        removed.accept(id);
      }
      evicted.clear();
      drain(EntityKind.ITEM, tracker.take(state.items.size()), id -> true, changed);
    };
  }

  /**
   * {@inheritDoc} Every replica that receives the same features creates the same rows (initial
   * weights depend on ids alone), so their deltas keep adding up.
   */
  @Override
  public void setItemFeatures(String itemId, List<String> tokens) {
    Objects.requireNonNull(itemId, "itemId");
    Objects.requireNonNull(tokens, "tokens");
    ModelConfig c = state.config;
    if (c.itemFeatureTokens() == 0) {
      return; // side features are off
    }
    List<String> kept =
        tokens.size() > c.itemFeatureTokens() ? tokens.subList(0, c.itemFeatureTokens()) : tokens;
    int slot = state.items.slotOf(itemId);
    boolean clickedBefore = slot >= 0 && !state.itemFeatures.isCold(itemId);
    boolean had = state.itemFeatures.hasFeatures(itemId);
    state.itemFeatures.put(itemId, kept, clickedBefore);
    for (String token : state.itemFeatures.tokens(itemId)) {
      if (state.features.slotOf(token) < 0) {
        state.features.insert(token, state.featureInit.initial(token, c.dim()), 0);
      }
    }
    if (slot < 0 && !kept.isEmpty()) {
      // A catalogue item nobody clicked yet: a row now, so that it is served and published with the
      // vector its features give it (its id row starts near zero, at model.init-scale).
      slot = state.items.insert(itemId, state.itemInit.initial(itemId, c.dim()), 0);
      state.biases.reset(slot);
    }
    if (slot >= 0 && (had || !kept.isEmpty())) {
      state.itemChanges.mark(slot);
      state.clickedItems.mark(slot); // due at the next publish, clicked or not
    }
  }

  /** Items with side features, and the distinct tokens they carry. */
  public int[] featureCounts() {
    return new int[] {state.itemFeatures.size(), state.itemFeatures.distinctTokens()};
  }

  @Override
  public void trackUserRows() {
    state.trackUserRows();
  }

  @Override
  public void drainUserRows(UserRowSink sink) {
    if (state.userRows == null) {
      throw new IllegalStateException("user rows are not tracked: call trackUserRows() first");
    }
    state.userRows.drain(state, sink);
  }

  @Override
  public void importUserRows(List<UserRow> rows) {
    UserRowCodec.importAll(state, rows);
  }

  @Override
  public byte[] snapshotWithoutUsers() {
    SnapshotWriter out = SnapshotFormat.begin(state.config.dim());
    state.writeTo(out, false);
    return SnapshotFormat.finish(out);
  }

  @Override
  public void trackReplicaDelta() {
    state.trackReplica();
    state.trainsAsReplica = true;
  }

  @Override
  public ReplicaDelta takeReplicaDelta() {
    if (state.replica == null) {
      throw new IllegalStateException(
          "replica deltas are not tracked: call trackReplicaDelta() first");
    }
    return state.replica.take();
  }

  @Override
  public void applyReplicaDelta(ReplicaDelta delta) {
    state.trackReplica(); // a replica that only receives must still keep remote changes out of its
    // own deltas
    state.replica.apply(delta);
  }

  @Override
  public float[] userVector(String userId) {
    int slot = state.users.slotOf(userId);
    return slot < 0 ? null : TowerOutputs.of(state, EntityKind.USER, new int[] {slot}, 0, 1);
  }

  @Override
  public List<String> recentItems(String userId, int max) {
    int slot = state.users.slotOf(userId);
    if (slot < 0 || max < 1) {
      return new ArrayList<>();
    }
    List<String> oldestFirst = new ArrayList<>(state.histories.size(slot));
    state.histories.copyTo(slot, oldestFirst);
    List<String> out = new ArrayList<>(Math.min(max, oldestFirst.size()));
    for (int k = oldestFirst.size() - 1; k >= 0 && out.size() < max; k--) {
      out.add(oldestFirst.get(k));
    }
    return out;
  }

  @Override
  public float[] itemVector(String itemId) {
    int slot = state.items.slotOf(itemId);
    return slot < 0 ? null : TowerOutputs.of(state, EntityKind.ITEM, new int[] {slot}, 0, 1);
  }

  @Override
  public float[] userVectors(List<String> userIds) {
    return vectors(EntityKind.USER, userIds);
  }

  @Override
  public float[] itemVectors(List<String> itemIds) {
    return vectors(EntityKind.ITEM, itemIds);
  }

  private float[] vectors(EntityKind kind, List<String> ids) {
    IdTable table = kind == EntityKind.USER ? state.users : state.items;
    int dim = state.config.dim();
    float[] out = new float[ids.size() * dim];
    int[] slots = new int[ids.size()];
    int[] rows = new int[ids.size()];
    int known = 0;
    for (int r = 0; r < slots.length; r++) {
      int slot = table.slotOf(ids.get(r));
      if (slot >= 0) {
        slots[known] = slot;
        rows[known++] = r;
      }
    }
    for (int start = 0; start < known; start += OUTPUT_CHUNK_ROWS) {
      int n = Math.min(OUTPUT_CHUNK_ROWS, known - start);
      float[] chunk = TowerOutputs.of(state, kind, slots, start, n);
      for (int k = 0; k < n; k++) {
        System.arraycopy(chunk, k * dim, out, rows[start + k] * dim, dim);
      }
    }
    return out;
  }

  @Override
  public float itemBias(String itemId) {
    int slot = state.items.slotOf(itemId);
    return slot < 0 ? 0f : state.servedBias(slot);
  }

  @Override
  public ModelStats stats() {
    TrainingCounters c = state.counters;
    IdTable u = state.users;
    IdTable i = state.items;
    return new ModelStats(
        c.eventsTrained(),
        c.batches(),
        c.skippedBatches(),
        c.lossEma(),
        u.liveRows(),
        i.liveRows(),
        c.lastEventTimeMillis(),
        u.insertedRows() + i.insertedRows(),
        u.evictedRows() + i.evictedRows(),
        u.expiredRows() + i.expiredRows(),
        state.userAdmission.pendingIds() + state.itemAdmission.pendingIds(),
        state.heldBackEvents,
        state.priorWeight());
  }

  /**
   * The weight of the popularity prior in the served item biases: the tuned one, or the configured
   * one.
   */
  public float priorWeight() {
    return state.priorWeight();
  }

  /** The tuner's recent HR@10 of each weight of its grid, or null when the weight is fixed. */
  public double[] priorTuningHitRates() {
    return state.priorTuner == null ? null : state.priorTuner.hitRates();
  }

  /**
   * The user tower's pooling weights of a history of {@code n} items, oldest first: learned, or the
   * configured decay's. A fresh array.
   */
  public float[] historyWeights(int n) {
    return state.recency().of(n);
  }

  /** The temperature of the next step: the configured one, or the learned one. */
  public double temperature() {
    return state.scalars.temperature();
  }

  /** SigLIP's learned logit bias (its initial value under the other losses). */
  public double sigmoidBias() {
    return state.scalars.sigmoidBias();
  }

  /** Rows evicted from the user and item tables so far. */
  public long evictedRows(EntityKind kind) {
    return (kind == EntityKind.USER ? state.users : state.items).evictedRows();
  }

  @Override
  public byte[] snapshot() {
    SnapshotWriter out = SnapshotFormat.begin(state.config.dim());
    state.writeTo(out, true);
    return SnapshotFormat.finish(out);
  }

  private void drain(EntityKind kind, int[] all, Predicate<String> publishes, ChangedRowSink sink) {
    IdTable table = kind == EntityKind.USER ? state.users : state.items;
    // "Every row changed" lists every slot, and expired rows leave free slots among them.
    int[] slots =
        Arrays.stream(all)
            .filter(slot -> table.isLive(slot) && publishes.test(table.idAt(slot)))
            .toArray();
    int dim = table.dim();
    for (int start = 0; start < slots.length; start += OUTPUT_CHUNK_ROWS) {
      int n = Math.min(OUTPUT_CHUNK_ROWS, slots.length - start);
      float[] out = TowerOutputs.of(state, kind, slots, start, n);
      for (int r = 0; r < n; r++) {
        int slot = slots[start + r];
        float bias = kind == EntityKind.ITEM ? state.servedBias(slot) : 0f;
        sink.accept(kind, table.idAt(slot), Arrays.copyOfRange(out, r * dim, (r + 1) * dim), bias);
      }
    }
  }

  /**
   * An item's score bias in dot-product units, as the store adds it to {@code user·item}: the
   * learned logit bias times the current τ (the logits are {@code u·v/τ + b}; a learned τ moves)
   * plus the weighted popularity prior.
   */
  private float servedBias(int slot) {
    ModelConfig c = state.config;
    float learned =
        c.itemBias() ? (float) state.scalars.temperature() * state.biases.bias(slot) : 0f;
    return learned + state.prior.bias(slot, c.priorWeight());
  }
}

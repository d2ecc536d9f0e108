package io.towerstream.model.twotower;

import io.towerstream.model.ChangedRowSink;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import io.towerstream.model.snapshot.SnapshotFormat;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tables.IdTable;
import io.towerstream.model.tower.Tower;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The single-owner two-tower model: collisionless id tables, L2-normalised towers (optionally projected),
 * InfoNCE over in-batch plus reservoir negatives with log-Q correction, row-wise Adagrad for tables and
 * Adam for projections. Deterministic given the config's seed and the order of the batches, across
 * snapshot and restore. Not thread-safe.
 */
public final class TwoTowerModel implements OnlineModel {
  /** Rows per ND4J call when computing outputs for a drain. */
  private static final int OUTPUT_CHUNK_ROWS = 1024;

  private final ModelState state;
  private final TrainingStep step;

  public TwoTowerModel(ModelConfig config) {
    this(ModelState.fresh(Objects.requireNonNull(config, "config")));
  }

  private TwoTowerModel(ModelState state) {
    this.state = state;
    this.step = new TrainingStep(state);
  }

  /**
   * Rebuilds a model from {@link #snapshot()} bytes, with hyper-parameters (learning rates, temperature, …)
   * from {@code config}.
   *
   * @throws IllegalArgumentException when the snapshot is not one, has an unknown format version, a dim or
   *     tower projection setting other than {@code config}'s, more rows than the configured bounds, or is corrupt
   */
  public static TwoTowerModel restore(byte[] snapshot, ModelConfig config) {
    Objects.requireNonNull(config, "config");
    return new TwoTowerModel(ModelState.readFrom(SnapshotFormat.open(snapshot, config.dim()), config));
  }

  public ModelConfig config() {
    return state.config;
  }

  /** {@inheritDoc} An empty batch is a no-op. */
  @Override
  public StepResult train(List<Interaction> batch) {
    return step.run(Objects.requireNonNull(batch, "batch"));
  }

  @Override
  public void drainChanged(ChangedRowSink sink) {
    drain(EntityKind.USER, state.users, state.userTower, state.userChanges.take(state.users.size()), sink);
    drain(EntityKind.ITEM, state.items, state.itemTower, state.itemChanges.take(state.items.size()), sink);
  }

  @Override
  public float[] userVector(String userId) {
    return vector(state.users, state.userTower, userId);
  }

  @Override
  public float[] itemVector(String itemId) {
    return vector(state.items, state.itemTower, itemId);
  }

  @Override
  public ModelStats stats() {
    TrainingCounters c = state.counters;
    return new ModelStats(c.eventsTrained(), c.batches(), c.skippedBatches(), c.lossEma(), state.users.size(),
        state.items.size(), c.lastEventTimeMillis());
  }

  /** Rows evicted from the user and item tables so far. */
  public long evictedRows(EntityKind kind) {
    return (kind == EntityKind.USER ? state.users : state.items).evictedRows();
  }

  @Override
  public byte[] snapshot() {
    SnapshotWriter out = SnapshotFormat.begin(state.config.dim());
    state.writeTo(out);
    return SnapshotFormat.finish(out);
  }

  private static float[] vector(IdTable table, Tower tower, String id) {
    int slot = table.slotOf(id);
    if (slot < 0) {
      return null;
    }
    float[] e = new float[table.dim()];
    table.copyWeights(slot, e, 0);
    return tower.outputs(e, 1, table.dim());
  }

  private static void drain(EntityKind kind, IdTable table, Tower tower, int[] slots, ChangedRowSink sink) {
    int dim = table.dim();
    for (int start = 0; start < slots.length; start += OUTPUT_CHUNK_ROWS) {
      int n = Math.min(OUTPUT_CHUNK_ROWS, slots.length - start);
      float[] e = new float[n * dim];
      for (int r = 0; r < n; r++) {
        table.copyWeights(slots[start + r], e, r * dim);
      }
      float[] out = tower.outputs(e, n, dim);
      for (int r = 0; r < n; r++) {
        sink.accept(kind, table.idAt(slots[start + r]), Arrays.copyOfRange(out, r * dim, (r + 1) * dim));
      }
    }
  }
}

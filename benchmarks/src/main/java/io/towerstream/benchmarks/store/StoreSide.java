package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.GraphItemIndex;
import io.towerstream.store.index.IndexStats;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The store's side: updates go through the ingest path ({@link BatchApplier}: RocksDB, then the
 * index), queries to the index, the knob is the graph's overquery.
 */
final class StoreSide implements SweptIndex {
  private final BatchApplier applier;
  private final ItemIndex index;
  private final List<Float> overqueries;
  private long sequence = 1;

  StoreSide(BatchApplier applier, ItemIndex index, List<Float> overqueries) {
    this.applier = applier;
    this.index = index;
    this.overqueries = overqueries;
  }

  /** Applies the initial load's batch (sequence 0, as a first load would). */
  void load(List<ItemUpdate> batch) {
    applier.apply(StoreBatch.of(batch.stream().map(u -> mutation(u, 0)).toList()));
  }

  @Override
  public String settingName() {
    return "overquery";
  }

  @Override
  public List<Float> settings() {
    return overqueries;
  }

  @Override
  public void use(float setting) {
    if (index instanceof GraphItemIndex g) {
      g.setOverquery(setting);
    }
  }

  @Override
  public Object topK(float[] query, int k) {
    return index.topK(query, k, Set.of());
  }

  @Override
  public List<String> topIds(float[] query, int k, Scoring scoring) {
    List<String> ids = new ArrayList<>(k);
    for (ScoredItem s : index.topK(query, k, Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring)) {
      ids.add(s.itemId());
    }
    return ids;
  }

  @Override
  public void apply(List<ItemUpdate> batch) {
    List<EmbeddingMutation> mutations = new ArrayList<>(batch.size());
    for (ItemUpdate u : batch) {
      mutations.add(mutation(u, sequence++));
    }
    applier.apply(StoreBatch.of(mutations));
  }

  @Override
  public void awaitVisible(ItemUpdate probe) {
    // the update is in the exact delta as soon as apply returns: found at once
    while (!probe.id().equals(top(probe.vector()))) {
      Thread.onSpinWait();
    }
  }

  private String top(float[] vector) {
    List<ScoredItem> top =
        index.topK(vector, 1, Set.of(), ItemIndex.ANY_MODEL_VERSION, Scoring.DOT);
    return top.isEmpty() ? null : top.get(0).itemId();
  }

  @Override
  public String churnSummary() {
    IndexStats stats = index.stats();
    return String.format(
        Locale.ROOT,
        "index: %,d graph items, %,d in the delta, %,d stale nodes, %d merges, %d rebuilds",
        stats.graphItems(),
        stats.deltaItems(),
        stats.staleNodes(),
        stats.merges(),
        stats.rebuilds());
  }

  private static EmbeddingMutation mutation(ItemUpdate u, long sequence) {
    return EmbeddingMutation.upsert(
        Entity.ITEM,
        u.id(),
        new StoredVector(1, sequence, System.currentTimeMillis(), u.vector(), u.bias()),
        "bench");
  }
}

package io.towerstream.store.ingest;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ItemVector;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.WriteResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a decoded batch: RocksDB first (atomically, with the offsets), then the in-memory item
 * index with what actually took effect. A crash between the two loses nothing: the index is rebuilt
 * from RocksDB on start. Updates the store must refuse ({@link UpdateChecks}: a vector of another
 * dimension than the index's, a model version far ahead of what it holds) are skipped before
 * anything is written, counted as malformed, and handed to whoever {@linkplain #admit admits} the
 * batch, for the dead-letter topic.
 *
 * <p>Called by one thread at a time (the ingest thread, or a test feeding the store directly).
 */
public final class BatchApplier {
  private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

  /**
   * How far above the highest applied model version an update's may lie by default: no deployment's
   * next model generation lies a million versions ahead, a corrupt or overflowed number almost
   * always does.
   */
  public static final long DEFAULT_MAX_MODEL_VERSION_LEAD = 1_000_000;

  private final EmbeddingStore store;
  private final ItemIndex index;
  private final IngestMetrics metrics;
  private final long maxModelVersionLead;

  /** With the default {@code --max-model-version-lead}. */
  public BatchApplier(EmbeddingStore store, ItemIndex index, IngestMetrics metrics) {
    this(store, index, metrics, DEFAULT_MAX_MODEL_VERSION_LEAD);
  }

  public BatchApplier(
      EmbeddingStore store, ItemIndex index, IngestMetrics metrics, long maxModelVersionLead) {
    this.store = store;
    this.index = index;
    this.metrics = metrics;
    this.maxModelVersionLead = maxModelVersionLead;
  }

  /**
   * The batch without the updates the store refuses, each logged, counted as malformed and handed
   * to {@code refused} with the reason; writes nothing. {@link #applyAdmitted} writes what it
   * returns.
   */
  public StoreBatch admit(StoreBatch batch, BiConsumer<EmbeddingMutation, String> refused) {
    UpdateChecks checks =
        new UpdateChecks(index.dimension(), store.stats().maxModelVersion(), maxModelVersionLead);
    List<EmbeddingMutation> kept = new ArrayList<>(batch.mutations().size());
    for (EmbeddingMutation m : batch.mutations()) {
      String problem = checks.problem(m);
      if (problem == null) {
        kept.add(m);
        continue;
      }
      metrics.malformed();
      LOG.warn("skipping record {}: {}", m.source(), problem);
      refused.accept(m, problem);
    }
    return kept.size() == batch.mutations().size()
        ? batch
        : new StoreBatch(kept, batch.trainerStatus(), batch.lastOffsets());
  }

  /** Writes what {@link #admit} lets through, then updates the index. */
  public WriteResult apply(StoreBatch batch) {
    return applyAdmitted(admit(batch, (m, problem) -> {}));
  }

  /**
   * Writes a batch {@link #admit} returned, without checking it again, then updates the index.
   * Nothing may be written between the two calls.
   */
  public WriteResult applyAdmitted(StoreBatch checked) {
    WriteResult result = store.write(checked);

    // the last change per item wins; removes first so an emptied index may take a new dimension
    Map<String, ItemVector> upserts = new LinkedHashMap<>();
    Set<String> removes = new LinkedHashSet<>();
    long updates = 0;
    long deletes = 0;
    for (EmbeddingMutation m : result.applied()) {
      if (m.isDelete()) {
        deletes++;
      } else {
        updates++;
      }
      if (m.entity() != Entity.ITEM) {
        continue;
      }
      if (m.isDelete()) {
        upserts.remove(m.id());
        removes.add(m.id());
      } else {
        removes.remove(m.id());
        upserts.put(
            m.id(),
            new ItemVector(m.vector().vector(), m.vector().modelVersion(), m.vector().bias()));
      }
    }
    index.update(
        removes, upserts); // one atomic index write: a query sees the whole batch or none of it

    metrics.updatesApplied.addAndGet(updates);
    metrics.deletesApplied.addAndGet(deletes);
    metrics.staleIgnored.addAndGet(result.stale());
    metrics.batchesWritten.incrementAndGet();
    if (!result.applied().isEmpty()) {
      metrics.lastAppliedAt = System.currentTimeMillis();
    }
    return result;
  }
}

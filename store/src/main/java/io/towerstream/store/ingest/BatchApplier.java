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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a decoded batch: RocksDB first (atomically, with the offsets), then the in-memory item
 * index with what actually took effect. A crash between the two loses nothing: the index is rebuilt
 * from RocksDB on start. Vectors whose dimension differs from the index's are malformed (scoring
 * them is impossible) and skipped before anything is written.
 *
 * <p>Called by one thread at a time (the ingest thread, or a test feeding the store directly).
 */
public final class BatchApplier {
  private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);

  private final EmbeddingStore store;
  private final ItemIndex index;
  private final IngestMetrics metrics;

  public BatchApplier(EmbeddingStore store, ItemIndex index, IngestMetrics metrics) {
    this.store = store;
    this.index = index;
    this.metrics = metrics;
  }

  public WriteResult apply(StoreBatch batch) {
    StoreBatch checked = withoutWrongDimensions(batch);
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

  private StoreBatch withoutWrongDimensions(StoreBatch batch) {
    int expected = index.dimension();
    List<EmbeddingMutation> kept = new ArrayList<>(batch.mutations().size());
    for (EmbeddingMutation m : batch.mutations()) {
      if (m.isDelete()) {
        kept.add(m);
        continue;
      }
      if (expected == 0) {
        expected = m.vector().dimension();
      }
      if (m.vector().dimension() != expected) {
        metrics.malformed();
        LOG.warn(
            "skipping malformed record {} ({}:{}): dimension {}, the store's is {}",
            m.source(),
            m.entity(),
            m.id(),
            m.vector().dimension(),
            expected);
      } else {
        kept.add(m);
      }
    }
    return kept.size() == batch.mutations().size()
        ? batch
        : new StoreBatch(kept, batch.trainerStatus(), batch.lastOffsets());
  }
}

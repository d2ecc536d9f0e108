package io.towerstream.store.query;

import io.towerstream.schemas.avro.TrainerStatus;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreStats;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds {@link StoreStatus} snapshots, and the status document that merges in fields from
 * pluggable contributors (e.g. the CLI demo's replay progress). A contributor that throws is logged
 * and left out; it never fails the status request. Contributor fields never replace the store's
 * own.
 */
public final class StatusReporter {
  private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);

  private final EmbeddingStore store;
  private final ItemIndex index;
  private final IngestMetrics metrics;
  private final List<Supplier<Map<String, Object>>> contributors = new CopyOnWriteArrayList<>();

  public StatusReporter(EmbeddingStore store, ItemIndex index, IngestMetrics metrics) {
    this.store = store;
    this.index = index;
    this.metrics = metrics;
  }

  /**
   * Adds fields to every status document; {@code contributor} is called on each request, from any
   * thread.
   */
  public void addContributor(Supplier<Map<String, Object>> contributor) {
    contributors.add(contributor);
  }

  public StoreStatus snapshot() {
    StoreStats stats = store.stats();
    Map<String, Long> versions = new TreeMap<>();
    index.modelVersions().forEach((v, n) -> versions.put(Long.toString(v), n));
    TrainerStatus trainer = store.trainerStatus().orElse(null);
    long now = System.currentTimeMillis();
    return new StoreStatus(
        trainer != null ? trainer.getModelVersion() : stats.maxModelVersion(),
        trainer != null ? trainer.getEventsTrained() : 0,
        trainer != null ? trainer.getBatches() : 0,
        trainer != null ? trainer.getSkippedBatches() : 0,
        trainer != null ? trainer.getLoss() : Double.NaN,
        trainer != null && trainer.getPublishedAt() != null
            ? trainer.getPublishedAt().toEpochMilli()
            : -1,
        stats.users(),
        stats.items(),
        index.size(),
        index.dimension(),
        metrics.updatesApplied(),
        metrics.deletesApplied(),
        metrics.staleIgnored(),
        metrics.malformedUpdates(),
        metrics.deadLetters(),
        metrics.consumerLag(),
        stats.newestUpdatedAt() < 0 ? -1 : Math.max(0, now - stats.newestUpdatedAt()),
        metrics.lastAppliedAt(),
        metrics.kafkaReachable(now),
        metrics.kafkaUnreachableMs(now),
        metrics.lastError(),
        metrics.ingestFailures(),
        metrics.storeWritable(),
        metrics.storeWriteError(),
        metrics.storeWriteFailures(),
        metrics.checkpointEpoch(),
        metrics.lastVisibleMicros(),
        index.stats(),
        versions,
        prequential(trainer),
        collapse(trainer));
  }

  /** The trainer's collapse metrics, NaN as null (JSON has no NaN); empty when none. */
  private static Map<String, Object> collapse(TrainerStatus trainer) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    if (trainer == null || trainer.getCollapse() == null) {
      return out;
    }
    var c = trainer.getCollapse();
    out.put("alignment", finite(c.getAlignment()));
    out.put("uniformity", finite(c.getUniformity()));
    out.put("effectiveRank", finite(c.getEffectiveRank()));
    out.put("meanCosine", finite(c.getMeanCosine()));
    out.put("items", c.getItems());
    return out;
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private static Map<String, Map<String, Object>> prequential(TrainerStatus trainer) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    if (trainer == null || trainer.getPrequential() == null) {
      return out;
    }
    trainer
        .getPrequential()
        .forEach(
            (scorer, w) -> {
              Map<String, Object> m = new java.util.LinkedHashMap<>();
              m.put("events", w.getEvents());
              m.put("hitRate10", w.getHitRate10());
              m.put("recall20", w.getRecall20());
              m.put("ndcg20", w.getNdcg20());
              m.put("mrr", w.getMrr());
              out.put(scorer.toString(), m);
            });
    return out;
  }

  /** Now minus the {@code updatedAt} of the newest stored update (ms), -1 when none. */
  public long newestUpdateAgeMs() {
    long newest = store.stats().newestUpdatedAt();
    return newest < 0 ? -1 : Math.max(0, System.currentTimeMillis() - newest);
  }

  /**
   * The snapshot's fields followed by every contributor's (the store's own win on a name clash).
   */
  public Map<String, Object> document() {
    Map<String, Object> doc = snapshot().toMap();
    for (Supplier<Map<String, Object>> contributor : contributors) {
      try {
        Map<String, Object> extra = contributor.get();
        if (extra != null) {
          extra.forEach(doc::putIfAbsent);
        }
      } catch (RuntimeException e) {
        LOG.warn("a status contributor failed; leaving its fields out: {}", e.toString());
      }
    }
    return doc;
  }
}

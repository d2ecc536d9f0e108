package io.towerstream.jobs.operators;

import io.towerstream.model.ModelStats;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.schemas.avro.RankingWindow;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.metrics.MetricGroup;

/**
 * Every metric of one trainer subtask, named in one place. The task thread writes; Flink's metric
 * reporter reads on a thread of its own, so the gauges read volatile snapshots that the task thread
 * takes after each batch and publish, never the model itself (which is not thread-safe).
 *
 * <p>Created when the operator's state is initialised, when the first snapshots are taken; the
 * counters exist from {@link #register} on, which the operator calls in {@code open}.
 */
final class TrainerMetrics {
  private Counter eventsReceived;
  private Counter updatesPublished;
  private Counter deltasSent;
  private Counter deltasApplied;
  private Counter deltasDropped;
  private Counter deltasRejected;
  private Counter itemFeaturesReceived;

  private volatile ModelStats stats;
  private volatile TrainerCheckpoint.Counters progress;
  private volatile long lastStepMillis;
  private volatile int pendingEvents;
  private volatile long lastSequence;
  private volatile long syncLagMillis;

  /**
   * Wall-clock time the oldest batch not yet published finished training; 0 when everything trained
   * is out.
   */
  private volatile long unpublishedSince;

  /** Of the last publish. */
  private volatile CollapseMetrics collapse = CollapseMetrics.NONE;

  /** NaN until a replica fingerprint is taken (never with one subtask). */
  private volatile double replicaFingerprint = Double.NaN;

  /** Copied after each batch; null when test-then-train evaluation is off. */
  private volatile Map<String, RankingWindow> prequentialWindows;

  /**
   * Adds the counters and gauges to the operator's group; the prequential gauges with evaluation
   * on, the fingerprint with several replicas.
   */
  void register(MetricGroup group, boolean replicated) {
    eventsReceived = group.counter("eventsReceived");
    group.meter("eventsPerSecond", new MeterView(eventsReceived));
    // how stale the published vectors are against the model: time since the oldest unpublished
    // batch trained
    group.gauge(
        "publishLagMillis",
        (Gauge<Long>)
            () -> {
              long since = unpublishedSince;
              return since == 0 ? 0L : Math.max(0L, System.currentTimeMillis() - since);
            });
    updatesPublished = group.counter("updatesPublished");
    deltasSent = group.counter("deltasSent");
    deltasApplied = group.counter("deltasApplied");
    deltasDropped = group.counter("deltasDropped");
    deltasRejected = group.counter("deltasRejected");
    itemFeaturesReceived = group.counter("itemFeaturesReceived");
    group.gauge("eventsTrained", (Gauge<Long>) () -> progress.events());
    group.gauge("batches", (Gauge<Long>) () -> progress.batches());
    group.gauge("skippedBatches", (Gauge<Long>) () -> progress.skipped());
    group.gauge("loss", (Gauge<Double>) () -> stats.lossEma());
    if (prequentialWindows != null) {
      // one metric per measure, the scorer a variable (a Prometheus label): dashboards compare
      // scorers by label, and a new scorer adds series, not metric names
      MetricGroup byScorer = group.addGroup("prequential");
      for (String scorer : prequentialWindows.keySet()) {
        MetricGroup g = byScorer.addGroup("scorer", scorer);
        g.gauge("hitRate10", (Gauge<Double>) () -> prequentialWindows.get(scorer).getHitRate10());
        g.gauge("recall20", (Gauge<Double>) () -> prequentialWindows.get(scorer).getRecall20());
        g.gauge("ndcg20", (Gauge<Double>) () -> prequentialWindows.get(scorer).getNdcg20());
        g.gauge("mrr", (Gauge<Double>) () -> prequentialWindows.get(scorer).getMrr());
      }
    }
    MetricGroup c = group.addGroup("collapse");
    c.gauge("alignment", (Gauge<Double>) () -> collapse.alignment());
    c.gauge("uniformity", (Gauge<Double>) () -> collapse.uniformity());
    c.gauge("effectiveRank", (Gauge<Double>) () -> collapse.effectiveRank());
    c.gauge("meanCosine", (Gauge<Double>) () -> collapse.meanCosine());
    group.gauge("users", (Gauge<Long>) () -> stats.users());
    group.gauge("items", (Gauge<Long>) () -> stats.items());
    group.gauge("lastEventTime", (Gauge<Long>) () -> stats.lastEventTimeMillis());
    group.gauge("admittedRows", (Gauge<Long>) () -> stats.admittedRows());
    group.gauge("evictedRows", (Gauge<Long>) () -> stats.evictedRows());
    group.gauge("expiredRows", (Gauge<Long>) () -> stats.expiredRows());
    group.gauge("pendingIds", (Gauge<Long>) () -> stats.pendingIds());
    group.gauge("heldBackEvents", (Gauge<Long>) () -> stats.heldBackEvents());
    group.gauge("priorWeight", (Gauge<Double>) () -> stats.priorWeight());
    group.gauge("lastStepMillis", (Gauge<Long>) () -> lastStepMillis);
    group.gauge("pendingEvents", (Gauge<Integer>) () -> pendingEvents);
    group.gauge("lastSequence", (Gauge<Long>) () -> lastSequence);
    group.gauge("syncLagMillis", (Gauge<Long>) () -> syncLagMillis);
    if (replicated) {
      group.gauge("replicaFingerprint", (Gauge<Double>) () -> replicaFingerprint);
    }
  }

  void eventReceived() {
    eventsReceived.inc();
  }

  void itemFeaturesReceived() {
    itemFeaturesReceived.inc();
  }

  void updatePublished() {
    updatesPublished.inc();
  }

  void deltaSent() {
    deltasSent.inc();
  }

  /** A delta of another replica was added; it was produced at {@code producedAtMillis}. */
  void deltaApplied(long producedAtMillis) {
    deltasApplied.inc();
    syncLagMillis = Math.max(0, System.currentTimeMillis() - producedAtMillis);
  }

  /** A delta was skipped: of another model version, seen before, or of an abandoned run. */
  void deltaDropped() {
    deltasDropped.inc();
  }

  /** A delta the model refused. */
  void deltaRejected() {
    deltasRejected.inc();
  }

  void pendingEvents(int events) {
    pendingEvents = events;
  }

  /** A batch trained: the step's time, the model's counters now and the progress reported. */
  void trained(long stepMillis, ModelStats now, TrainerCheckpoint.Counters reported) {
    lastStepMillis = stepMillis;
    if (unpublishedSince == 0) {
      unpublishedSince = System.currentTimeMillis();
    }
    stats = now;
    progress = reported;
  }

  /** The model's counters and the progress reported, as of a start or restore. */
  void started(ModelStats now, TrainerCheckpoint.Counters reported) {
    stats = now;
    progress = reported;
  }

  void modelStats(ModelStats now) {
    stats = now;
  }

  /** A publish with this sequence began: everything trained so far goes out. */
  void published(long sequence) {
    unpublishedSince = 0;
    lastSequence = sequence;
  }

  /** The last sequence published before a restore. */
  void lastSequence(long sequence) {
    lastSequence = sequence;
  }

  void collapse(CollapseMetrics measured) {
    collapse = measured;
  }

  void prequentialWindows(Map<String, RankingWindow> windows) {
    prequentialWindows = windows;
  }

  void replicaFingerprint(double fingerprint) {
    replicaFingerprint = fingerprint;
  }

  /** The replica fingerprint gauge's value. */
  double replicaFingerprint() {
    return replicaFingerprint;
  }
}

package io.towerstream.jobs.operators;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.eval.PrequentialMetrics;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.model.monitor.CollapseMonitor;
import io.towerstream.schemas.avro.RankingWindow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one subtask's model a closed batch at a time, and keeps what is measured along the way:
 * the test-then-train metrics, the pairs the collapse monitor measures, and the progress this
 * subtask reports (what it carried over from the restored subtasks plus what its model did since).
 *
 * <p>With {@code eval.prequential.sample-rate > 0} a {@link PrequentialEvaluator} scores each
 * batch's events before the batch trains (those from {@code eval.prequential.from-time} on). Its
 * state is checkpointed; a restore at another parallelism starts it again, since each subtask
 * scores the users it owns.
 *
 * <p>Not thread-safe: the task thread calls it; the metric reporter reads the snapshots it leaves
 * in {@link TrainerMetrics}.
 */
final class BatchTrainer {
  /** The trainer's logger: its lines keep one name, whichever part of it writes them. */
  private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

  /** Trained pairs the collapse monitor measures over: ~2 M multiply-adds a publish at dim 64. */
  static final int COLLAPSE_PAIRS = 256;

  private final OnlineModel model;

  /** Null when test-then-train evaluation is off. */
  private final PrequentialEvaluator prequential;

  private final TrainerMetrics metrics;
  private final CollapseMonitor collapseMonitor = new CollapseMonitor(COLLAPSE_PAIRS);

  /** Progress carried over from the restored subtasks, and the model's counters at that moment. */
  private final TrainerCheckpoint.Counters carried;

  private final TrainerCheckpoint.Counters modelAtStart;

  /** The last batch's windows, as published; null when evaluation is off. */
  private Map<String, RankingWindow> prequentialWindows;

  BatchTrainer(
      OnlineModel model,
      PrequentialEvaluator prequential,
      TrainerCheckpoint.Counters carried,
      TrainerMetrics metrics) {
    this.model = model;
    this.prequential = prequential;
    this.carried = carried;
    this.metrics = metrics;
    ModelStats now = model.stats();
    this.modelAtStart = counters(now);
    metrics.started(now, carried);
    if (prequential != null) {
      prequentialWindows = windows(prequential);
      metrics.prequentialWindows(prequentialWindows);
    }
  }

  /**
   * The evaluator {@code settings} ask for, restored from {@code saved} where there is one; null
   * when evaluation is off.
   */
  static PrequentialEvaluator evaluator(TrainerSettings settings, byte[] saved) {
    if (!settings.prequentialEnabled()) {
      return null;
    }
    PrequentialEvaluator evaluator =
        new PrequentialEvaluator(
            settings.prequentialWindow(),
            settings.prequentialPopularityWindow(),
            settings.prequentialSampleRate());
    if (settings.prequentialBudget() > 0) {
      evaluator.withCostBudget(settings.prequentialBudget());
    }
    evaluator.scoringFrom(settings.prequentialFromTimeMs());
    if (saved != null) {
      evaluator.restore(saved);
    }
    return evaluator;
  }

  /** Trains one closed batch. */
  void train(List<Interaction> batch) {
    if (prequential != null) {
      prequential.score(model, batch); // test, with the state from before this batch ...
    }
    long started = System.nanoTime();
    StepResult result = model.train(batch); // ... then train
    long took = System.nanoTime() - started;
    metrics.trained(took / 1_000_000, model.stats(), progress());
    collapseMonitor.observe(batch);
    if (prequential != null) {
      prequential.recordTraining(took);
      prequential.observe(batch);
      prequentialWindows = windows(prequential);
      metrics.prequentialWindows(prequentialWindows);
    }
    if (result.skipped()) {
      LOG.warn("Skipped a batch of {} events: loss or gradients were not finite", batch.size());
    }
  }

  /** Progress this subtask reports: what it carried over plus what its model did since. */
  TrainerCheckpoint.Counters progress() {
    return carried.plus(counters(model.stats()).minus(modelAtStart));
  }

  /** Collapse metrics over the last trained pairs and the model as it is now. */
  CollapseMetrics measureCollapse() {
    return collapseMonitor.measure(model);
  }

  /** The sliding-window metrics of every scorer after the last batch; null when off. */
  Map<String, RankingWindow> prequentialWindows() {
    return prequentialWindows;
  }

  /** The share of users scored now; 0 when evaluation is off. */
  double prequentialSampleRate() {
    return prequential == null ? 0 : prequential.sampleRate();
  }

  /** The evaluator's state, for a checkpoint; null when evaluation is off. */
  byte[] evaluatorSnapshot() {
    return prequential == null ? null : prequential.snapshot();
  }

  private static TrainerCheckpoint.Counters counters(ModelStats s) {
    return new TrainerCheckpoint.Counters(s.eventsTrained(), s.batches(), s.skippedBatches());
  }

  private static Map<String, RankingWindow> windows(PrequentialEvaluator evaluator) {
    Map<String, RankingWindow> out = new LinkedHashMap<>();
    evaluator.metrics().forEach((name, m) -> out.put(name, window(m)));
    return Map.copyOf(out);
  }

  private static RankingWindow window(PrequentialMetrics m) {
    Map<String, Double> w = m.windowed();
    return RankingWindow.newBuilder()
        .setEvents(m.windowEvents())
        .setHitRate10(w.get("hr@10"))
        .setRecall20(w.get("recall@20"))
        .setNdcg20(w.get("ndcg@20"))
        .setMrr(w.get("mrr"))
        .build();
  }
}

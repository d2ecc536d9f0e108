package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The model's side of the next-click protocol, offline: the whole stream trains in batches from its
 * first event, each batch scored by a {@link PrequentialEvaluator} before it trains, and the
 * metrics of the window (from {@code windowStart} to the end) are reported for every scorer the
 * evaluator keeps: the model as served, the towers alone, and its popularity baselines. The same
 * batches and exclusions as {@link NextClickPeers}, so the two tables read together.
 */
public final class NextClickRun {
  private NextClickRun() {}

  /**
   * Scores then trains {@code model} on {@code stream}; returns each scorer's window metrics
   * (hr@10, recall@20, ndcg@20, mrr), handing {@code progress} one unit per event.
   */
  public static Map<String, Map<String, Double>> run(
      OnlineModel model,
      List<Interaction> stream,
      int windowStart,
      int batchSize,
      int popWindow,
      LongConsumer progress) {
    int windowEvents = stream.size() - windowStart;
    if (windowStart < 0 || windowEvents < 1) {
      throw new IllegalArgumentException(
          "the window must start inside the stream of " + stream.size() + ", was " + windowStart);
    }
    // every user scored, the window as long as the part judged: its sliding metrics are exactly
    // the window's once the stream ends (each scored event records one rank per scorer)
    PrequentialEvaluator evaluator = new PrequentialEvaluator(windowEvents, popWindow, 1.0);
    for (int start = 0; start < stream.size(); start += batchSize) {
      List<Interaction> batch = stream.subList(start, Math.min(stream.size(), start + batchSize));
      evaluator.scoreThenTrain(model, batch);
      progress.accept(batch.size());
    }
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    evaluator.metrics().forEach((name, m) -> out.put(name, m.windowed()));
    return out;
  }
}

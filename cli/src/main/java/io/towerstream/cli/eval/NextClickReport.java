package io.towerstream.cli.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.towerstream.model.eval.NextClickPeers;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.eval.PrequentialMetrics;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the next-click protocol measured: the trainer's own test-then-train metrics over the window,
 * read from the store's status after the whole log streamed through the pipeline, beside the
 * offline peers on the same clicks, batches and exclusions.
 *
 * @param trainer by the evaluator's scorer names ({@code towerstream} = as served, {@code
 *     towerstreamNoPrior} = the towers alone, {@code popularity}, {@code recentPopularity}), each
 *     with {@link #METRICS} and {@code events}
 * @param peers the offline peers' result ({@code NextClickPeers})
 * @param peerOptions what the peers ran with (batch size, popularity window, refits, λ asked for)
 * @param peerSeconds how long the peers took, EASE's tuning included
 */
public record NextClickReport(
    NextClickWindow window,
    Map<String, Map<String, Double>> trainer,
    NextClickPeers.Result peers,
    NextClickPeers.Options peerOptions,
    double peerSeconds) {
  /** Each scorer's metrics, in report order; hr@20 is the evaluator's recall@20 (one relevant). */
  static final String[] METRICS = {"hr@10", "hr@20", "ndcg@20", "mrr"};

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Row labels of the table, by the trainer's scorer names. */
  private static final Map<String, String> TRAINER_LABELS =
      Map.of(
          PrequentialEvaluator.TOWERSTREAM, "served (towerstream)",
          PrequentialEvaluator.TOWERSTREAM_NO_PRIOR, "towers alone (no prior)",
          PrequentialEvaluator.POPULARITY, "popularity (job)",
          PrequentialEvaluator.RECENT_POPULARITY, "recent popularity (job)");

  /**
   * One scorer's window metrics from the store's status ({@code events}, {@code hitRate10}, {@code
   * recall20}, {@code ndcg20}, {@code mrr}).
   */
  static Map<String, Double> fromStatus(Map<String, Object> window) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("hr@10", number(window, "hitRate10"));
    m.put("hr@20", number(window, "recall20"));
    m.put("ndcg@20", number(window, "ndcg20"));
    m.put("mrr", number(window, "mrr"));
    m.put("events", number(window, "events"));
    return m;
  }

  /** One peer's metrics over the whole of its window. */
  static Map<String, Double> fromPeer(PrequentialMetrics peer) {
    Map<String, Double> whole = peer.whole();
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("hr@10", whole.get("hr@10"));
    m.put("hr@20", whole.get("recall@20"));
    m.put("ndcg@20", whole.get("ndcg@20"));
    m.put("mrr", whole.get("mrr"));
    m.put("events", (double) peer.events());
    return m;
  }

  private static double number(Map<String, Object> window, String key) {
    Object v = window.get(key);
    if (!(v instanceof Number n)) {
      throw new IllegalStateException("the trainer's status lacks the metric " + key);
    }
    return n.doubleValue();
  }

  /** Each peer's metrics, by {@code NextClickPeers}'s names. */
  public Map<String, Map<String, Double>> peerMetrics() {
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    peers.metrics().forEach((name, m) -> out.put(name, fromPeer(m)));
    return out;
  }

  /** The peer with the highest HR@10. */
  public String bestPeer() {
    String best = null;
    double hr = -1;
    for (Map.Entry<String, Map<String, Double>> e : peerMetrics().entrySet()) {
      if (e.getValue().get("hr@10") > hr) {
        hr = e.getValue().get("hr@10");
        best = e.getKey();
      }
    }
    return best;
  }

  /** The served model's HR@10 over the best peer's; NaN when that peer hit nothing. */
  public double servedToBestPeer() {
    double peer = peerMetrics().get(bestPeer()).get("hr@10");
    return peer > 0
        ? trainer.get(PrequentialEvaluator.TOWERSTREAM).get("hr@10") / peer
        : Double.NaN;
  }

  /**
   * The {@code nextClick} object of the JSON: the window, the trainer's scorers and the peers, each
   * with {@link #METRICS} and {@code events}, EASE's λ (its tuning, or why it was skipped) and the
   * served to best peer HR@10 ratio.
   */
  ObjectNode json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("events", window.events());
    root.put("windowStart", window.start());
    root.put("windowStartTime", window.startTimeMillis());
    root.put("windowEvents", window.judged());
    root.put("batchSize", peerOptions.batchSize());
    root.put("popularityWindow", peerOptions.popWindow());
    ObjectNode job = root.putObject("trainer");
    trainer.forEach((name, m) -> put(job.putObject(name), m));
    ObjectNode peerNode = root.putObject("peers");
    peerMetrics().forEach((name, m) -> put(peerNode.putObject(name), m));
    ObjectNode ease = root.putObject("ease");
    if (peers.easeSkipped() != null) {
      ease.put("skipped", peers.easeSkipped());
    } else {
      ease.put("lambda", peers.easeLambda());
      ease.put("refits", peerOptions.refits());
      ObjectNode tuning = ease.putObject("tuningHr10");
      peers.lambdaHitRates().forEach((lambda, hr) -> tuning.put(lambdaName(lambda), hr));
      ease.put("seconds", round(peers.easeSeconds()));
    }
    root.put("bestPeer", bestPeer());
    double ratio = servedToBestPeer();
    if (Double.isFinite(ratio)) {
      root.put("servedToBestPeerHr10", ratio);
    } else {
      root.putNull("servedToBestPeerHr10");
    }
    root.put("peerSeconds", round(peerSeconds));
    return root;
  }

  /** The metrics, and the events they averaged over as a whole number. */
  private static void put(ObjectNode node, Map<String, Double> metrics) {
    metrics.forEach(
        (k, v) -> {
          if (k.equals("events")) {
            node.put(k, v.longValue());
          } else {
            node.put(k, v);
          }
        });
  }

  /** A fixed-width table: the trainer's scorers, then the peers. */
  String table(String dataset, double split) {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s, next-click from split %.2f: %d events; the window from event %d (%s) on, %d"
                + " events, scored by the trainer: %.0f%n",
            dataset,
            split,
            window.events(),
            window.start(),
            java.time.Instant.ofEpochMilli(window.startTimeMillis()),
            window.judged(),
            trainer.get(PrequentialEvaluator.TOWERSTREAM).get("events")));
    out.append(String.format(Locale.ROOT, "%-38s", "scorer"));
    for (String k : METRICS) {
      out.append(String.format(Locale.ROOT, "%10s", k.toUpperCase(Locale.ROOT)));
    }
    out.append(System.lineSeparator());
    trainer.forEach((name, m) -> row(out, TRAINER_LABELS.getOrDefault(name, name), m));
    peerMetrics().forEach((name, m) -> row(out, peerLabel(name), m));
    double ratio = servedToBestPeer();
    out.append(
        String.format(
            Locale.ROOT,
            "served HR@10 / best peer's (%s): %s%n",
            bestPeer(),
            Double.isFinite(ratio) ? String.format(Locale.ROOT, "%.2f", ratio) : "-"));
    if (peers.easeSkipped() != null) {
      out.append("EASE skipped: ").append(peers.easeSkipped()).append(System.lineSeparator());
    } else if (!peers.lambdaHitRates().isEmpty()) {
      out.append("EASE λ tuned by HR@10 on the stretch before the window:");
      peers
          .lambdaHitRates()
          .forEach(
              (lambda, hr) ->
                  out.append(String.format(Locale.ROOT, " %s=%.4f", lambdaName(lambda), hr)));
      out.append(System.lineSeparator());
    }
    return out.toString();
  }

  private String peerLabel(String name) {
    return switch (name) {
      case NextClickPeers.POPULARITY -> "peer popularity";
      case NextClickPeers.RECENT_POPULARITY -> "peer recent popularity";
      case NextClickPeers.EASE_REFITTED ->
          String.format(
              Locale.ROOT,
              "peer EASE refitted (λ=%s, %d fits)",
              lambdaName(peers.easeLambda()),
              peerOptions.refits());
      case NextClickPeers.EASE_ONCE ->
          String.format(
              Locale.ROOT, "peer EASE fitted once (λ=%s)", lambdaName(peers.easeLambda()));
      default -> "peer " + name;
    };
  }

  private static void row(StringBuilder out, String label, Map<String, Double> m) {
    out.append(String.format(Locale.ROOT, "%-38s", label));
    for (String k : METRICS) {
      out.append(String.format(Locale.ROOT, "%10.4f", m.get(k)));
    }
    out.append(System.lineSeparator());
  }

  /** λ as the grid writes it: 300, not 300.0. */
  private static String lambdaName(double lambda) {
    return lambda == Math.rint(lambda)
        ? Long.toString((long) lambda)
        : String.format(Locale.ROOT, "%s", lambda);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 10) / 10.0;
  }
}

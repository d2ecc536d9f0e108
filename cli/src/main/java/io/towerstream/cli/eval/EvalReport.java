package io.towerstream.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.towerstream.model.eval.Baselines;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the frozen protocol of one {@code towerstream eval} measured: towerstream through the
 * pipeline and the three baselines on the same split, as a table for people and one JSON object for
 * scripts ({@link EvalResult} adds the protocol's name, and the next-click report beside it).
 *
 * @param towerstream {@code RankingMetrics} keys ({@code recall@K}, {@code ndcg@K}, {@code users})
 * @param unknownUsers test users the store had no vector for (counted as zero hits)
 * @param coldStart with item features, towerstream's metrics on the cold-start protocol (test
 *     users' items first seen in the test part, ranked among all items by the store); null without
 */
public record EvalReport(
    String dataset,
    double split,
    int trainEvents,
    int testUsers,
    int[] ks,
    Map<String, Double> towerstream,
    Baselines.Result baselines,
    int unknownUsers,
    double seconds,
    Map<String, Double> coldStart) {
  /** A report without the cold-start protocol (no item features were given). */
  public EvalReport(
      String dataset,
      double split,
      int trainEvents,
      int testUsers,
      int[] ks,
      Map<String, Double> towerstream,
      Baselines.Result baselines,
      int unknownUsers,
      double seconds) {
    this(
        dataset,
        split,
        trainEvents,
        testUsers,
        ks,
        towerstream,
        baselines,
        unknownUsers,
        seconds,
        null);
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The models in report order, each with its metrics in JSON order (every recall, then every
   * NDCG).
   */
  public Map<String, Map<String, Double>> models() {
    Map<String, Map<String, Double>> m = new LinkedHashMap<>();
    m.put("towerstream", metrics(towerstream));
    m.put("popularity", metrics(baselines.popularity()));
    m.put("recentPopularity", metrics(baselines.recentPopularity()));
    if (baselines.ease() != null) {
      Map<String, Double> ease = metrics(baselines.ease());
      ease.put("lambda", baselines.easeLambda());
      m.put("ease", ease);
    }
    if (coldStart != null) {
      Map<String, Double> cold = metrics(coldStart);
      cold.put("users", coldStart.get("users"));
      m.put("coldStart", cold);
    }
    return m;
  }

  /** One line of JSON: dataset, split, trainEvents, testUsers, models, seconds. */
  public String json() {
    try {
      return JSON.writeValueAsString(jsonNode());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the evaluation report as JSON", e);
    }
  }

  /** {@link #json()} as a tree, to which a report of several protocols adds its sections. */
  ObjectNode jsonNode() {
    ObjectNode root = JSON.createObjectNode();
    root.put("dataset", dataset);
    root.put("split", split);
    root.put("trainEvents", trainEvents);
    root.put("testUsers", testUsers);
    ObjectNode models = root.putObject("models");
    models()
        .forEach(
            (name, metrics) -> {
              ObjectNode node = models.putObject(name);
              metrics.forEach(node::put);
            });
    if (baselines.easeSkipped() != null) {
      models.putObject("ease").put("skipped", baselines.easeSkipped());
    }
    root.put("seconds", Math.round(seconds * 10) / 10.0);
    return root;
  }

  /** A fixed-width table, one row per model. */
  public String table() {
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s, split %.2f: %d training events, %d test users (%d unknown to the "
                + "store), %.1f s%n",
            dataset,
            split,
            trainEvents,
            testUsers,
            unknownUsers,
            seconds));
    Map<String, Map<String, Double>> models = models();
    out.append(String.format(Locale.ROOT, "%-18s", "model"));
    metrics(towerstream).keySet().forEach(k -> out.append(String.format(Locale.ROOT, "%11s", k)));
    out.append(System.lineSeparator());
    models.forEach(
        (name, metrics) -> {
          String label =
              name.equals("ease")
                  ? String.format(Locale.ROOT, "ease(λ=%.0f)", baselines.easeLambda())
                  : name;
          out.append(String.format(Locale.ROOT, "%-18s", label));
          metrics.forEach(
              (k, v) -> {
                if (!k.equals("lambda") && !k.equals("users")) {
                  out.append(String.format(Locale.ROOT, "%11.4f", v));
                }
              });
          out.append(System.lineSeparator());
        });
    if (coldStart != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "coldStart: towerstream on the %.0f test users who clicked items first seen in the"
                  + " test part, those items alone relevant, ranked among all items%n",
              coldStart.get("users")));
    }
    if (baselines.easeSkipped() != null) {
      out.append("ease skipped: ").append(baselines.easeSkipped()).append(System.lineSeparator());
    }
    return out.toString();
  }

  private Map<String, Double> metrics(Map<String, Double> all) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int k : ks) {
      m.put("recall@" + k, all.get("recall@" + k));
    }
    for (int k : ks) {
      m.put("ndcg@" + k, all.get("ndcg@" + k));
    }
    return m;
  }
}

package io.towerstream.cli.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code towerstream bench train} measured, as tables for people and one JSON object for
 * scripts.
 */
public final class TrainBenchReport {
  private static final ObjectMapper JSON = new ObjectMapper();
  final String machine;
  final List<StepRun.Result> steps = new ArrayList<>();
  final List<PipelineRun.Result> pipelines = new ArrayList<>();
  FreshnessRun.Result freshness;

  /** Per trainer parallelism, the towerstream metrics of each eval run. */
  final Map<Integer, List<Map<String, Double>>> quality = new LinkedHashMap<>();

  TrainBenchReport(String machine) {
    this.machine = machine;
  }

  public String table() {
    StringBuilder out = new StringBuilder("machine: " + machine + "\n");
    if (!steps.isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n%-8s %6s %14s %12s %10s %10s %12s%n",
              "step",
              "B",
              "CPU ms/step",
              "events/s",
              "GFLOP",
              "GFLOP/s",
              "% of sgemm"));
      for (StepRun.Result r : steps) {
        out.append(
            String.format(
                Locale.ROOT,
                "%-8s %6d %14.2f %12.0f %10.3f %10.1f %11.0f%%%n",
                "",
                r.batchSize(),
                r.cpuMillis(),
                r.eventsPerSecond(),
                r.gflop(),
                r.gflops(),
                100 * r.fractionOfPeak()));
      }
      out.append(
          String.format(
              Locale.ROOT,
              "sgemm %dx%d: %.1f GFLOP/s%n",
              StepRun.SGEMM_SIZE,
              StepRun.SGEMM_SIZE,
              steps.get(0).sgemmGflops()));
    }
    if (!pipelines.isEmpty()) {
      out.append(
          String.format(
              Locale.ROOT,
              "%n%-12s %8s %6s %10s %12s %12s %10s %12s %12s %10s %10s%n",
              "pipeline",
              "trainers",
              "B",
              "events",
              "events/s",
              "steady ev/s",
              "served s",
              "ckpt B/row",
              "store B/row",
              "heap MB",
              "RSS MB"));
      for (PipelineRun.Result r : pipelines) {
        long rows = Math.max(1, r.users() + r.items());
        out.append(
            String.format(
                Locale.ROOT,
                "%-12s %8d %6d %10d %12.0f %12.0f %10.1f %12.0f %12.0f %10.0f %10.0f%n",
                r.dataset(),
                r.trainers(),
                r.batchSize(),
                r.events(),
                r.eventsPerSecond(),
                r.steadyEventsPerSecond(),
                r.servedSeconds(),
                (double) r.checkpointBytes() / rows,
                (double) r.storeBytes() / rows,
                r.heapBytes() / 1e6,
                r.rssBytes() / 1e6));
      }
    }
    if (freshness != null) {
      out.append(
          String.format(
              Locale.ROOT,
              "%nfreshness (click produced -> new item served by the store), "
                  + "%.0f clicks/s background: p50 %.0f ms, p99 %.0f ms, max %.0f ms; %d of %d probes seen%n"
                  + "  of which click -> trainer publish: p50 %.0f ms, p99 %.0f ms%n",
              freshness.rate(),
              freshness.p50Ms(),
              freshness.p99Ms(),
              freshness.maxMs(),
              freshness.seen(),
              freshness.probes(),
              freshness.publishP50Ms(),
              freshness.publishP99Ms()));
    }
    if (!quality.isEmpty()) {
      out.append("\nquality (towerstream eval, holdout; mean [min, max] over runs):\n");
      quality.forEach(
          (p, runs) -> {
            DoubleSummaryStatistics r = spread(runs, "recall@20");
            DoubleSummaryStatistics n = spread(runs, "ndcg@20");
            out.append(
                String.format(
                    Locale.ROOT,
                    "  %d trainer(s), %d run(s): recall@20 %.4f [%.4f, %.4f], ndcg@20 %.4f [%.4f, %.4f]%n",
                    p,
                    runs.size(),
                    r.getAverage(),
                    r.getMin(),
                    r.getMax(),
                    n.getAverage(),
                    n.getMin(),
                    n.getMax()));
          });
    }
    return out.toString();
  }

  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("machine", machine);
    ArrayNode s = root.putArray("steps");
    for (StepRun.Result r : steps) {
      s.addObject()
          .put("batchSize", r.batchSize())
          .put("dim", r.dim())
          .put("negatives", r.negatives())
          .put("cpuMillis", r.cpuMillis())
          .put("medianMillis", r.medianMillis())
          .put("gflopPerStep", r.gflop())
          .put("gflops", r.gflops())
          .put("sgemmGflops", r.sgemmGflops())
          .put("fractionOfSgemm", r.fractionOfPeak())
          .put("eventsPerSecond", r.eventsPerSecond());
    }
    ArrayNode p = root.putArray("pipelines");
    for (PipelineRun.Result r : pipelines) {
      p.addObject()
          .put("dataset", r.dataset())
          .put("trainers", r.trainers())
          .put("batchSize", r.batchSize())
          .put("events", r.events())
          .put("users", r.users())
          .put("items", r.items())
          .put("produceSeconds", r.produceSeconds())
          .put("trainedSeconds", r.trainedSeconds())
          .put("servedSeconds", r.servedSeconds())
          .put("eventsPerSecond", r.eventsPerSecond())
          .put("steadyEventsPerSecond", r.steadyEventsPerSecond())
          .put("checkpointBytes", r.checkpointBytes())
          .put("storeBytes", r.storeBytes())
          .put("heapBytes", r.heapBytes())
          .put("rssBytes", r.rssBytes())
          .put("nativeBytes", r.nativeBytes());
    }
    if (freshness != null) {
      root.putObject("freshness")
          .put("backgroundRate", freshness.rate())
          .put("probes", freshness.probes())
          .put("seen", freshness.seen())
          .put("p50Ms", freshness.p50Ms())
          .put("p99Ms", freshness.p99Ms())
          .put("maxMs", freshness.maxMs())
          .put("publishP50Ms", freshness.publishP50Ms())
          .put("publishP99Ms", freshness.publishP99Ms());
    }
    if (!quality.isEmpty()) {
      ObjectNode q = root.putObject("quality");
      quality.forEach(
          (trainers, runs) -> {
            ObjectNode n = q.putObject(Integer.toString(trainers));
            for (String metric : runs.get(0).keySet()) {
              DoubleSummaryStatistics m = spread(runs, metric);
              n.putObject(metric)
                  .put("mean", m.getAverage())
                  .put("min", m.getMin())
                  .put("max", m.getMax());
            }
            ArrayNode each = n.putArray("runs");
            runs.forEach(run -> run.forEach(each.addObject()::put));
          });
    }
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Mean, min and max of one metric over runs. */
  private static DoubleSummaryStatistics spread(List<Map<String, Double>> runs, String metric) {
    return runs.stream()
        .mapToDouble(run -> run.getOrDefault(metric, Double.NaN))
        .summaryStatistics();
  }
}

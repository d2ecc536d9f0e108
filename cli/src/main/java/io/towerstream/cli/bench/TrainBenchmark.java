package io.towerstream.cli.bench;

import io.towerstream.cli.demo.ClickStream;
import io.towerstream.cli.eval.EvalReport;
import io.towerstream.cli.eval.EvalRun;
import io.towerstream.jobs.JobConfig;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code towerstream bench train}: the training pipeline's throughput end to end at each trainer
 * parallelism and batch size, on MovieLens-style data and a synthetic Zipf stream; the step alone
 * against the sgemm peak; freshness on a live stream; and the quality cost of sharding. Each phase
 * prints as it goes (stderr); the report is a table and one JSON object.
 */
public final class TrainBenchmark {
  /**
   * @param data a click file, or null for none
   * @param syntheticEvents clicks of the synthetic stream, 0 for none
   * @param phases of {@code step}, {@code pipeline}, {@code freshness}, {@code quality}
   * @param qualityRuns eval runs per trainer parallelism in the quality phase
   * @param jobArgs training-job options added to every run
   */
  public record Options(
      Path data,
      ClickFileFormat format,
      long syntheticEvents,
      int syntheticUsers,
      int syntheticItems,
      int syntheticClusters,
      double zipf,
      List<Integer> trainers,
      List<Integer> batchSizes,
      Set<String> phases,
      double freshnessRate,
      int freshnessProbes,
      long freshnessIntervalMs,
      int qualityRuns,
      io.towerstream.store.IndexKind storeIndex,
      List<String> jobArgs) {}

  private TrainBenchmark() {}

  public static TrainBenchReport run(Options o, PrintStream log) throws Exception {
    TrainBenchReport report = new TrainBenchReport(machine());
    ModelConfig base = JobConfig.fromArgs(withServers(o.jobArgs()).toArray(String[]::new)).model();
    if (o.phases().contains("step")) {
      double peak = StepRun.sgemm();
      log.printf(
          Locale.ROOT,
          "step: ND4J sgemm %dx%d peak %.1f GFLOP/s%n",
          StepRun.SGEMM_SIZE,
          StepRun.SGEMM_SIZE,
          peak);
      for (int b : o.batchSizes()) {
        StepRun.Result r = StepRun.run(base.toBuilder().batchSize(b).build(), peak);
        log.printf(
            Locale.ROOT,
            "  B=%d: %.2f ms CPU/step, %.3f GFLOP, %.1f GFLOP/s = %.0f%% of sgemm%n",
            b,
            r.cpuMillis(),
            r.gflop(),
            r.gflops(),
            100 * r.fractionOfPeak());
        report.steps.add(r);
      }
    }
    List<ClickStream> streams = new ArrayList<>();
    List<String> names = new ArrayList<>();
    if (o.phases().contains("pipeline") || o.phases().contains("freshness")) {
      if (o.data() != null) {
        streams.add(ClickStream.fromFile(o.data(), o.format()));
        names.add(o.data().getFileName().toString());
      }
      if (o.syntheticEvents() > 0) {
        log.printf(
            Locale.ROOT,
            "synthetic stream: %d clicks, %d users, %d items, Zipf %.2f …%n",
            o.syntheticEvents(),
            o.syntheticUsers(),
            o.syntheticItems(),
            o.zipf());
        streams.add(ClickStream.synthetic(synthetic(o, o.syntheticEvents())));
        names.add("synthetic");
      }
    }
    if (o.phases().contains("pipeline")) {
      for (int k = 0; k < streams.size(); k++) {
        for (int b : o.batchSizes()) {
          for (int p : o.trainers()) {
            PipelineRun.Result r =
                PipelineRun.run(
                    streams.get(k), names.get(k), p, b, o.storeIndex(), o.jobArgs(), log);
            log.printf(
                Locale.ROOT,
                "  -> %.0f events/s end to end (%.0f steady), served after %.1f s%n",
                r.eventsPerSecond(),
                r.steadyEventsPerSecond(),
                r.servedSeconds());
            report.pipelines.add(r);
          }
        }
      }
    }
    if (o.phases().contains("freshness")) {
      ClickStream background =
          ClickStream.synthetic(synthetic(o, Math.max(100_000, (long) o.freshnessRate() * 60)));
      report.freshness =
          FreshnessRun.run(
              background,
              o.freshnessRate(),
              o.freshnessProbes(),
              o.freshnessIntervalMs(),
              o.jobArgs(),
              log);
      log.printf(
          Locale.ROOT,
          "  -> freshness p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d of %d probes seen)%n",
          report.freshness.p50Ms(),
          report.freshness.p99Ms(),
          report.freshness.maxMs(),
          report.freshness.seen(),
          report.freshness.probes());
    }
    if (o.phases().contains("quality") && o.data() != null) {
      for (int p : o.trainers()) {
        List<String> args = new ArrayList<>(o.jobArgs());
        args.addAll(List.of("--parallelism.trainer", Integer.toString(p)));
        for (int run = 1; run <= o.qualityRuns(); run++) {
          EvalReport eval =
              new EvalRun(o.data(), o.format(), 0.8, new int[] {10, 20, 50}, args).run().frozen();
          report.quality.computeIfAbsent(p, k -> new ArrayList<>()).add(eval.towerstream());
          log.printf(
              Locale.ROOT,
              "  quality, %d trainer(s), run %d of %d: recall@20 %.4f%n",
              p,
              run,
              o.qualityRuns(),
              eval.towerstream().get("recall@20"));
        }
      }
    }
    return report;
  }

  private static PlantedClusterClicks synthetic(Options o, long events) {
    return PlantedClusterClicks.builder()
        .users(o.syntheticUsers())
        .items(o.syntheticItems())
        .clusters(o.syntheticClusters())
        .zipfExponent(o.zipf())
        .events(events)
        .seed(17)
        .build();
  }

  /** JobConfig needs a broker to parse; the benchmark fills in its own later. */
  private static List<String> withServers(List<String> jobArgs) {
    List<String> args = new ArrayList<>(jobArgs);
    args.addAll(List.of("--bootstrap-servers", "127.0.0.1:9"));
    return args;
  }

  private static String machine() {
    return String.format(
        Locale.ROOT,
        "%d cores, %s, Java %s, OMP_NUM_THREADS=%s",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.arch"),
        System.getProperty("java.version"),
        System.getenv().getOrDefault("OMP_NUM_THREADS", "unset"));
  }
}

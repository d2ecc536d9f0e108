package io.towerstream.cli.commands;

import io.towerstream.cli.bench.TrainBenchReport;
import io.towerstream.cli.bench.TrainBenchmark;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.store.IndexKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code towerstream bench train}: throughput, step efficiency, freshness and the quality cost of
 * sharding.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmark training end to end: for each dataset, batch size and trainer parallelism a fresh "
          + "in-process broker is filled with the clicks, then the job (MiniCluster) and the store run until every "
          + "click is trained and served; the step alone is timed against ND4J's sgemm; freshness is measured on a "
          + "live stream (click produced -> new item served); quality compares `towerstream eval` across trainer "
          + "parallelisms. Progress on stderr; a table, then one JSON object as the last line, on stdout.",
      "Training-job options (see `towerstream train --help-job`) may follow and apply to every run."
    },
    footer = {
      "",
      "Examples:",
      "  towerstream bench train --data ../shared/data/ml-100k/u.data --synthetic-events 0 --phases pipeline,quality",
      "  TOWERSTREAM_JAVA_OPTS=-Xmx12g towerstream bench train --phases step,pipeline   # 10M synthetic clicks"
    })
public final class BenchTrainCommand implements Callable<Integer> {
  static final Set<String> PHASES = Set.of("step", "pipeline", "freshness", "quality");

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--data",
      description = "A click file to run (e.g. MovieLens u.data); none by default.")
  Path data;

  @Option(
      names = "--format",
      defaultValue = "movielens",
      converter = FormatConverter.class,
      description = "Format of --data: movielens or csv (default: ${DEFAULT-VALUE}).")
  ClickFileFormat format;

  @Option(
      names = "--synthetic-events",
      defaultValue = "10000000",
      description =
          "Clicks of the synthetic Zipf stream with planted clusters; 0 = none (default: ${DEFAULT-VALUE}).")
  long syntheticEvents;

  @Option(
      names = "--synthetic-users",
      defaultValue = "1000000",
      description = "Users of the synthetic stream (default: ${DEFAULT-VALUE}).")
  int syntheticUsers;

  @Option(
      names = "--synthetic-items",
      defaultValue = "200000",
      description = "Items of the synthetic stream (default: ${DEFAULT-VALUE}).")
  int syntheticItems;

  @Option(
      names = "--synthetic-clusters",
      defaultValue = "100",
      description = "Planted clusters of the synthetic stream (default: ${DEFAULT-VALUE}).")
  int syntheticClusters;

  @Option(
      names = "--zipf",
      defaultValue = "1.0",
      description =
          "Zipf exponent of item popularity within a cluster (default: ${DEFAULT-VALUE}).")
  double zipf;

  @Option(
      names = "--trainers",
      split = ",",
      defaultValue = "1,2",
      description = "Trainer parallelisms, one run each (default: ${DEFAULT-VALUE}).")
  List<Integer> trainers;

  @Option(
      names = "--batch-sizes",
      split = ",",
      defaultValue = "32,1024",
      description = "Batch sizes, one run each (default: ${DEFAULT-VALUE}).")
  List<Integer> batchSizes;

  @Option(
      names = "--phases",
      split = ",",
      defaultValue = "step,pipeline,freshness",
      description =
          "Of step, pipeline, freshness, quality (quality needs --data) (default: ${DEFAULT-VALUE}).")
  List<String> phases;

  @Option(
      names = "--freshness-rate",
      defaultValue = "2000",
      description = "Background clicks/s during the freshness probes (default: ${DEFAULT-VALUE}).")
  double freshnessRate;

  @Option(
      names = "--freshness-probes",
      defaultValue = "100",
      description =
          "Probes of the freshness phase: each a new item's click, timed until it is served "
              + "(default: ${DEFAULT-VALUE}).")
  int freshnessProbes;

  @Option(
      names = "--freshness-interval-ms",
      defaultValue = "100",
      description = "Time between probes (default: ${DEFAULT-VALUE}).")
  long freshnessIntervalMs;

  @Option(
      names = "--quality-runs",
      defaultValue = "3",
      description =
          "Eval runs per trainer parallelism in the quality phase; more than one subtask trains "
              + "asynchronously, so runs differ and the mean is what compares (default: ${DEFAULT-VALUE}).")
  int qualityRuns;

  @Option(
      names = "--store-index",
      defaultValue = "auto",
      description =
          "The store's item index in the pipeline runs: auto (exact below 50,000 items, the graph above, "
              + "as `serve`), exact or hnsw (default: ${DEFAULT-VALUE}).")
  String storeIndex;

  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    TrainBenchmark.Options options = validate();
    TrainBenchReport report =
        TrainBenchmark.run(
            options,
            new java.io.PrintStream(System.err, true, java.nio.charset.StandardCharsets.UTF_8));
    spec.commandLine().getOut().print(report.table());
    spec.commandLine().getOut().println(report.json());
    spec.commandLine().getOut().flush();
    return 0;
  }

  TrainBenchmark.Options validate() {
    if (data != null && !Files.isRegularFile(data)) {
      throw bad("--data", "no such file: " + data.toAbsolutePath());
    }
    if (syntheticEvents < 0) {
      throw bad("--synthetic-events", "must be at least 0, got " + syntheticEvents);
    }
    if (syntheticUsers < 1 || syntheticItems < syntheticClusters || syntheticClusters < 1) {
      throw bad(
          "--synthetic-users/--synthetic-items/--synthetic-clusters",
          "need users >= 1, clusters >= 1 and items >= clusters");
    }
    if (!(zipf >= 0) || Double.isInfinite(zipf)) {
      throw bad("--zipf", "must be a finite number >= 0, got " + zipf);
    }
    for (int t : trainers) {
      if (t < 1 || t > 64) {
        throw bad("--trainers", "each must be from 1 to 64, got " + t);
      }
    }
    for (int b : batchSizes) {
      if (b < 1) {
        throw bad("--batch-sizes", "each must be at least 1, got " + b);
      }
    }
    Set<String> chosen = new LinkedHashSet<>();
    for (String p : phases) {
      if (!PHASES.contains(p)) {
        throw bad("--phases", "must be of " + String.join(", ", PHASES) + ", got '" + p + "'");
      }
      chosen.add(p);
    }
    if (chosen.contains("quality") && data == null) {
      throw bad("--phases", "quality needs --data (a click log to split in time)");
    }
    if (chosen.contains("pipeline") && data == null && syntheticEvents == 0) {
      throw bad("--phases", "pipeline needs --data or --synthetic-events > 0");
    }
    if (qualityRuns < 1) {
      throw bad("--quality-runs", "must be at least 1, got " + qualityRuns);
    }
    if (!(freshnessRate > 0) || freshnessProbes < 1 || freshnessIntervalMs < 1) {
      throw bad("--freshness-*", "rate, probes and interval must be positive");
    }
    IndexKind index;
    try {
      index = IndexKind.valueOf(storeIndex.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw bad("--store-index", "must be auto, exact or hnsw, got '" + storeIndex + "'");
    }
    try {
      DemoStack.validateJobArgs(jobArgs);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "training-job option: " + e.getMessage());
    }
    return new TrainBenchmark.Options(
        data,
        format,
        syntheticEvents,
        syntheticUsers,
        syntheticItems,
        syntheticClusters,
        zipf,
        List.copyOf(trainers),
        List.copyOf(batchSizes),
        chosen,
        freshnessRate,
        freshnessProbes,
        freshnessIntervalMs,
        qualityRuns,
        index,
        List.copyOf(jobArgs));
  }

  private ParameterException bad(String option, String why) {
    return new ParameterException(
        spec.commandLine(), "Invalid value for option '" + option + "': " + why);
  }
}

package io.towerstream.cli.commands;

import io.towerstream.benchmarks.store.BenchOptions;
import io.towerstream.benchmarks.store.StoreBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code towerstream bench store}: the retrieval store's benchmark ({@link StoreBenchmark}) with
 * the CLI's option names. Every value is checked here, so a bad one fails before minutes of loading
 * and names the option as the user typed it; the benchmark's own parser then only sees valid
 * values.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Benchmark the retrieval store: load items through the ingest path (RocksDB + index), build the "
          + "index, then measure top-k latency, QPS and recall@k against exact search, quiet and under a stream of "
          + "updates (with update-to-visible latency). Prints one table; with --peer lucene, Lucene's HNSW "
          + "is measured the same way in the same run and compared at matched recall.",
      "1M items need TOWERSTREAM_JAVA_OPTS=-Xmx3g or more and ~10 minutes of graph build on 2 cores."
    })
public final class BenchStoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--items",
      split = ",",
      defaultValue = "100000",
      description = "Catalog size(s), comma-separated (default: ${DEFAULT-VALUE}).")
  List<Integer> items;

  @Option(
      names = "--data",
      split = ",",
      defaultValue = "clustered",
      description =
          "random (Gaussian, the worst case for a graph) and/or clustered (1,000 clusters) "
              + "(default: ${DEFAULT-VALUE}).")
  List<String> data;

  @Option(
      names = "--dim",
      defaultValue = "64",
      description = "Vector dimension (default: ${DEFAULT-VALUE}).")
  int dim;

  @Option(
      names = "--k",
      defaultValue = "100",
      description = "Candidates per query, 1 to 1000 (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1,2",
      description = "Client threads, one measurement each (default: ${DEFAULT-VALUE}).")
  List<Integer> threads;

  @Option(
      names = "--updates-per-sec",
      defaultValue = "1000",
      description =
          "Updates per second streamed in during the churn phase, 0: no churn phase (default: ${DEFAULT-VALUE}).")
  int updatesPerSec;

  @Option(
      names = "--index",
      defaultValue = "hnsw",
      description = "hnsw or exact (default: ${DEFAULT-VALUE}).")
  String index;

  @Option(
      names = "--seconds",
      defaultValue = "5",
      description = "Length of each measurement (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--recall-queries",
      defaultValue = "200",
      description = "Queries compared with exact search for recall (default: ${DEFAULT-VALUE}).")
  int recallQueries;

  @Option(
      names = "--hnsw-overquery",
      split = ",",
      defaultValue = "3",
      description =
          "Graph search beam = k x this; several values are measured on one graph (default: ${DEFAULT-VALUE}).")
  List<Float> overquery;

  @Option(
      names = "--hnsw-max-degree",
      defaultValue = "32",
      description = "Graph degree M (default: ${DEFAULT-VALUE}).")
  int maxDegree;

  @Option(
      names = "--hnsw-beam-width",
      defaultValue = "100",
      description = "Graph construction beam (default: ${DEFAULT-VALUE}).")
  int beamWidth;

  @Option(
      names = "--index-build-threads",
      description = "Threads of the graph build (default: all cores).")
  Integer buildThreads;

  @Option(
      names = "--bias-scale",
      defaultValue = "0",
      description =
          "Items get Gaussian biases of this standard deviation and queries rank by dot + bias "
              + "(default: ${DEFAULT-VALUE}, no bias).")
  double biasScale;

  @Option(
      names = "--peer",
      defaultValue = "none",
      description =
          "none, or lucene: also build Lucene's HNSW over the same vectors and measure it with the same "
              + "queries, threads, ground truth and updates, then print QPS and p99 of both at matched "
              + "recall, and their memory (default: ${DEFAULT-VALUE}).")
  String peer;

  @Option(
      names = "--lucene-max-conn",
      defaultValue = "16",
      description =
          "Lucene's HNSW M; layer 0 keeps 2M links, so 16 matches the store's degree 32 "
              + "(default: ${DEFAULT-VALUE}).")
  int luceneMaxConn;

  @Option(
      names = "--lucene-beam-width",
      defaultValue = "100",
      description = "Lucene's construction beam (default: ${DEFAULT-VALUE}).")
  int luceneBeamWidth;

  @Option(
      names = "--lucene-ef",
      split = ",",
      defaultValue = "100,200,400",
      description =
          "Lucene's search beams, each at least --k: a query asks for ef hits and keeps the best k; "
              + "several values are measured on one index (default: ${DEFAULT-VALUE}).")
  List<Integer> luceneEf;

  @Option(
      names = "--lucene-refresh-ms",
      defaultValue = "100",
      description =
          "Lucene's near-real-time reopen interval under churn (default: ${DEFAULT-VALUE}).")
  int luceneRefreshMs;

  @Option(
      names = "--recall-targets",
      split = ",",
      defaultValue = "0.95,0.99",
      description =
          "Recall@k levels at which the peer comparison matches the sides (default: ${DEFAULT-VALUE}).")
  List<Double> recallTargets;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    return StoreBenchmark.run(toBenchOptions(), spec.commandLine().getOut());
  }

  /**
   * The benchmark's options, after checking every value; throws a {@link ParameterException} naming
   * the option.
   */
  BenchOptions toBenchOptions() {
    for (int n : items) {
      atLeast("--items", n, 1);
    }
    for (String d : data) {
      if (!d.equals("random") && !d.equals("clustered")) {
        throw bad("--data", "must be random and/or clustered, got '" + d + "'");
      }
    }
    atLeast("--dim", dim, 1);
    if (k < 1 || k > 1000) {
      throw bad("--k", "must be from 1 to 1000, got " + k);
    }
    for (int t : threads) {
      atLeast("--threads", t, 1);
    }
    atLeast("--updates-per-sec", updatesPerSec, 0);
    String kind = index.toLowerCase(Locale.ROOT);
    if (!kind.equals("hnsw") && !kind.equals("exact")) {
      throw bad("--index", "must be hnsw or exact, got '" + index + "'");
    }
    atLeast("--seconds", seconds, 1);
    atLeast("--recall-queries", recallQueries, 1);
    for (float f : overquery) {
      if (!(f >= 1f)) {
        throw bad("--hnsw-overquery", "must be at least 1, got " + f);
      }
    }
    atLeast("--hnsw-max-degree", maxDegree, 1);
    atLeast("--hnsw-beam-width", beamWidth, 1);
    if (buildThreads != null) {
      atLeast("--index-build-threads", buildThreads, 1);
    }
    if (!(biasScale >= 0) || Double.isInfinite(biasScale)) {
      throw bad("--bias-scale", "must be a finite number >= 0, got " + biasScale);
    }
    String peerKind = peer.toLowerCase(Locale.ROOT);
    if (!peerKind.equals("none") && !peerKind.equals("lucene")) {
      throw bad("--peer", "must be none or lucene, got '" + peer + "'");
    }
    if (luceneMaxConn < 1 || luceneMaxConn > 512) {
      throw bad("--lucene-max-conn", "must be from 1 to 512, got " + luceneMaxConn);
    }
    if (luceneBeamWidth < 1 || luceneBeamWidth > 3200) {
      throw bad("--lucene-beam-width", "must be from 1 to 3200, got " + luceneBeamWidth);
    }
    for (int ef : luceneEf) {
      if (peerKind.equals("lucene") && ef < k) {
        throw bad("--lucene-ef", "each must be at least --k (" + k + "), got " + ef);
      }
      atLeast("--lucene-ef", ef, 1);
    }
    atLeast("--lucene-refresh-ms", luceneRefreshMs, 1);
    for (double r : recallTargets) {
      if (!(r > 0 && r <= 1)) {
        throw bad("--recall-targets", "each must be in (0, 1], got " + r);
      }
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--items",
                join(items),
                "--data",
                String.join(",", data),
                "--dim",
                "" + dim,
                "--k",
                "" + k,
                "--threads",
                join(threads),
                "--updates-per-sec",
                "" + updatesPerSec,
                "--index",
                kind,
                "--seconds",
                "" + seconds,
                "--recall-queries",
                "" + recallQueries,
                "--hnsw-overquery",
                join(overquery),
                "--hnsw-max-degree",
                "" + maxDegree,
                "--hnsw-beam-width",
                "" + beamWidth,
                "--bias-scale",
                "" + biasScale,
                "--seed",
                "" + seed,
                "--peer",
                peerKind,
                "--lucene-max-conn",
                "" + luceneMaxConn,
                "--lucene-beam-width",
                "" + luceneBeamWidth,
                "--lucene-ef",
                join(luceneEf),
                "--lucene-refresh-ms",
                "" + luceneRefreshMs,
                "--recall-targets",
                join(recallTargets)));
    if (buildThreads != null) {
      args.addAll(List.of("--index-build-threads", "" + buildThreads));
    }
    return BenchOptions.parse(args.toArray(String[]::new));
  }

  private void atLeast(String option, int value, int min) {
    if (value < min) {
      throw bad(option, "must be at least " + min + ", got " + value);
    }
  }

  private ParameterException bad(String option, String why) {
    return new ParameterException(
        spec.commandLine(), "Invalid value for option '" + option + "': " + why);
  }

  private static String join(List<?> values) {
    return values.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}

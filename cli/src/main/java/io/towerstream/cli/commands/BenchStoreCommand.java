package io.towerstream.cli.commands;

import io.towerstream.benchmarks.store.BenchOptions;
import io.towerstream.benchmarks.store.StoreBenchmark;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.cli.options.DeclaredOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code towerstream bench store}: the retrieval store's benchmark ({@link StoreBenchmark}) with
 * the benchmark's own options ({@link BenchOptions}), each checked as it is read, so a bad value
 * fails before minutes of loading and names the option.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    modelTransformer = BenchStoreCommand.Options.class,
    description = {
      "Benchmark the retrieval store: load items through the ingest path (RocksDB + index), build the "
          + "index, then measure top-k latency, QPS and recall@k against exact search, quiet and under a stream of "
          + "updates (with update-to-visible latency). Prints one table; with --peer lucene, Lucene's HNSW "
          + "is measured the same way in the same run and compared at matched recall.",
      "1M items need TOWERSTREAM_JAVA_OPTS=-Xmx3g or more and ~10 minutes of graph build on 2 cores."
    })
public final class BenchStoreCommand implements Callable<Integer> {
  /** The benchmark's declarations as this command's options. */
  static final class Options extends DeclaredOptions {
    Options() {
      super(BenchOptions.OPTIONS.options());
    }
  }

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Override
  public Integer call() throws Exception {
    return StoreBenchmark.run(toBenchOptions(), spec.commandLine().getOut());
  }

  /** The benchmark's options, from the values given; the benchmark's parser fills in the rest. */
  BenchOptions toBenchOptions() {
    return BenchOptions.parse(DeclaredOptions.args(spec));
  }
}

package io.towerstream.cli.commands;

import io.towerstream.cli.demo.ClickStream;
import io.towerstream.cli.demo.DemoRun;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.demo.ItemFeatureProducer;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.schemas.avro.ItemFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** The embedded default: the whole system on one machine, fed from a dataset. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs everything on this machine: an in-process Kafka broker (KRaft), the training job on a local Flink "
          + "MiniCluster, the retrieval store with its HTTP API; replays a dataset into `clicks` in timestamp "
          + "order and keeps serving until interrupted (Ctrl-C).",
      "Training-job options (see `towerstream train --help-job`) may follow, e.g. --model.dim 32."
    },
    footer = {
      "",
      "Example: towerstream demo --data ../shared/data/ml-100k/u.data --format movielens"
    })
public final class DemoCommand implements Callable<Integer> {
  @Mixin ClickSourceOptions source;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--port",
      defaultValue = "8080",
      description = "HTTP port of the retrieval store, 0 = any free (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address the HTTP API binds to (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--kafka-port",
      defaultValue = "0",
      description = "Port of the in-process Kafka broker, 0 = any free (default).")
  int kafkaPort;

  @Option(
      names = "--flink-ui-port",
      defaultValue = "0",
      description = "Serve Flink's web UI on this port; 0 = no UI (default).")
  int flinkUiPort;

  @Option(
      names = "--job-metrics-port",
      defaultValue = "9249",
      description =
          "Serve the training job's metrics for Prometheus on this port (Flink's reporter); 0 = none (default: ${DEFAULT-VALUE}).")
  int jobMetricsPort;

  @Option(
      names = "--flink-bind-host",
      defaultValue = "127.0.0.1",
      description =
          "Address Flink's web UI, the job's metrics endpoint and the MiniCluster's own ports (RPC, blob "
              + "server, data exchange) bind to (default: ${DEFAULT-VALUE}); 0.0.0.0 = every interface.")
  String flinkBindHost;

  @Option(
      names = "--item-titles",
      paramLabel = "FILE",
      description =
          "Titles shown beside item ids in the store's API and dashboard: a MovieLens u.item file or a "
              + "CSV of id,title. Default: the --items file, else the u.item beside a MovieLens --data file, "
              + "if there is one.")
  Path itemTitles;

  @Option(
      names = "--items",
      paramLabel = "FILE",
      description =
          "MovieLens u.item file (or its directory) whose genres and release years are produced to the "
              + "item-features topic before the clicks, as the item tower's side features. Default: the u.item "
              + "beside a MovieLens --data file, if there is one.")
  Path items;

  @Option(
      names = "--work-dir",
      description =
          "Where broker log and store live; default a temporary directory removed on exit.")
  Path workDir;

  @Option(
      names = "--rate",
      defaultValue = "0",
      description = "Replay rate in events/s, 0 = as fast as possible (default).")
  double rate;

  @Option(
      names = "--exit-after-replay",
      description = "Stop once every replayed event is trained and embedded.")
  boolean exitAfterReplay;

  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    requirePort("--port", port);
    requirePort("--kafka-port", kafkaPort);
    requirePort("--flink-ui-port", flinkUiPort);
    requirePort("--job-metrics-port", jobMetricsPort);
    if (rate < 0) {
      throw new IllegalArgumentException("--rate must be >= 0, was " + rate);
    }
    ClickStream stream = source.stream();
    if (stream.events() == 0) {
      throw new IllegalArgumentException("the dataset holds no clicks: " + stream.description());
    }
    Path catalogue = catalogue();
    // read before anything starts: a malformed line fails in milliseconds, naming file and line
    List<ItemFeatures> features =
        catalogue == null ? List.of() : ItemFeatureProducer.readMovieLens(catalogue, Instant.now());
    return new DemoRun(
            stream,
            features,
            new DemoStack.Settings(
                workDir,
                kafkaPort,
                host,
                port,
                flinkUiPort,
                jobMetricsPort,
                flinkBindHost,
                titles(catalogue),
                jobArgs),
            rate,
            exitAfterReplay)
        .run();
  }

  /** The file named, else the catalogue's titles, else none. */
  private Path titles(Path catalogue) throws IOException {
    if (itemTitles != null) {
      if (!Files.isRegularFile(itemTitles)) {
        throw new IllegalArgumentException(
            "--item-titles: no such file: " + itemTitles.toAbsolutePath());
      }
      return itemTitles;
    }
    return catalogue == null || Files.isRegularFile(catalogue)
        ? catalogue
        : catalogue.resolve("u.item");
  }

  /** The u.item named, else MovieLens' own beside its clicks, else none. */
  private Path catalogue() {
    if (items != null) {
      if (!Files.exists(items)) {
        throw new IllegalArgumentException("--items: no such file: " + items.toAbsolutePath());
      }
      return items;
    }
    return source.movieLensItemsBeside();
  }

  private static void requirePort(String option, int value) {
    if (value < 0 || value > 65535) {
      throw new IllegalArgumentException(
          option + " must be a port between 0 and 65535, was " + value);
    }
  }
}

package io.towerstream.cli.demo;

import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.store.query.StoreStatus;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * One run of {@code towerstream demo}: start the stack, produce the item catalogue (if any),
 * replay, report, serve until interrupted.
 */
public final class DemoRun {
  private final ClickStream stream;
  private final List<ItemFeatures> itemFeatures;
  private final DemoStack.Settings settings;
  private final double rate;
  private final boolean exitAfterReplay;
  private final PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);

  /**
   * @param settings the stack's; a null work dir means a temporary one, removed on exit
   */
  public DemoRun(
      ClickStream stream, DemoStack.Settings settings, double rate, boolean exitAfterReplay) {
    this(stream, List.of(), settings, rate, exitAfterReplay);
  }

  /**
   * @param itemFeatures produced to the item-features topic before the first click; empty for none
   * @param settings the stack's; a null work dir means a temporary one, removed on exit
   */
  public DemoRun(
      ClickStream stream,
      List<ItemFeatures> itemFeatures,
      DemoStack.Settings settings,
      double rate,
      boolean exitAfterReplay) {
    this.stream = stream;
    this.itemFeatures = List.copyOf(itemFeatures);
    this.settings = settings;
    this.rate = rate;
    this.exitAfterReplay = exitAfterReplay;
  }

  public int run() throws Exception {
    long startedAt = System.nanoTime();
    boolean temporary = settings.workDir() == null;
    Path workDir = temporary ? Files.createTempDirectory("towerstream-demo") : settings.workDir();
    String host = settings.httpHost();
    int flinkUiPort = settings.flinkUiPort();
    int jobMetricsPort = settings.jobMetricsPort();
    out.println(
        "towerstream demo — "
            + stream.description()
            + ": "
            + stream.events()
            + " events, "
            + stream.users()
            + " users, "
            + stream.items()
            + " items");
    DemoStack stack =
        DemoStack.start(
            new DemoStack.Settings(
                workDir,
                settings.kafkaPort(),
                host,
                settings.httpPort(),
                flinkUiPort,
                jobMetricsPort,
                settings.flinkBindHost(),
                settings.itemTitles(),
                settings.jobArgs()));
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stack.close();
              if (temporary) {
                WorkDirs.deleteRecursively(workDir);
              }
              stopped.countDown();
            },
            "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    ReplayTracker tracker = new ReplayTracker(stream, stack.store());
    stack.store().addStatusContributor(tracker::statusFields);
    String url =
        "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + stack.store().port();
    out.println(
        "kafka bootstrap: "
            + stack.bootstrapServers()
            + "  (topics clicks, item-features, clicks.dlq, embeddings, trainer-status; records are Avro "
            + "single-object encoded)");
    out.println(
        "retrieval store: "
            + url
            + "  (dashboard "
            + url
            + "/, API "
            + url
            + "/v1/status"
            + (settings.itemTitles() != null ? ", titles from " + settings.itemTitles() : "")
            + ")");
    out.println(
        "training job: "
            + stack.jobId()
            + " on a local Flink MiniCluster"
            + (flinkUiPort > 0 ? ", web UI http://127.0.0.1:" + flinkUiPort : "")
            + (jobMetricsPort > 0
                ? ", metrics http://127.0.0.1:" + jobMetricsPort + "/metrics"
                : ""));
    out.println("work dir: " + workDir + (temporary ? " (removed on exit)" : ""));

    if (!itemFeatures.isEmpty()) {
      // the catalogue first, so the trainer has an item's features before its first click
      try (ItemFeatureProducer producer =
          new ItemFeatureProducer(stack.bootstrapServers(), stack.itemFeaturesTopic(), Map.of())) {
        out.println(
            "item features: "
                + producer.produce(itemFeatures)
                + " items produced to "
                + stack.itemFeaturesTopic());
      }
    }
    long replayStartedAt = System.nanoTime();
    Thread replay = startReplay(stack.bootstrapServers(), stack.clicksTopic(), tracker);
    try (ProgressReporter progress =
        new ProgressReporter(stream.events(), stack.store(), tracker::eventsReplayed)) {
      while (!tracker.replayDone()) {
        if (!replay.isAlive() && replayFailure != null) {
          throw replayFailure;
        }
        progress.refresh();
        Thread.sleep(250);
      }
    }
    long doneAt = System.nanoTime();
    StoreStatus s = stack.store().status();
    double trainSeconds = (doneAt - replayStartedAt) / 1e9;
    out.printf(
        Locale.ROOT,
        "replay done: %d events trained in %.1f s after the replay began (%.0f events/s); "
            + "%.1f s since start. %d/%d users and %d/%d items embedded, loss %.3f%n",
        s.eventsTrained(),
        trainSeconds,
        s.eventsTrained() / trainSeconds,
        (doneAt - startedAt) / 1e9,
        s.usersEmbedded(),
        stream.users(),
        s.itemsEmbedded(),
        stream.items(),
        s.loss());
    if (exitAfterReplay) {
      return 0;
    }
    out.println("serving on " + url + " — Ctrl-C to stop");
    stopped.await();
    return 0;
  }

  private volatile RuntimeException replayFailure;

  private Thread startReplay(String bootstrap, String topic, ReplayTracker tracker) {
    Thread thread =
        new Thread(
            () -> {
              try (ClickReplayer replayer = new ClickReplayer(bootstrap, topic)) {
                tracker.replayStarted(replayer);
                replayer.replay(stream.records().iterator(), rate);
                tracker.producingFinished();
              } catch (RuntimeException e) {
                replayFailure = e;
              }
            },
            "demo-replay");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}

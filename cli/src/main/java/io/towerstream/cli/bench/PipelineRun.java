package io.towerstream.cli.bench;

import io.towerstream.cli.demo.ClickReplayer;
import io.towerstream.cli.demo.ClickStream;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.demo.LocalTrainingJob;
import io.towerstream.cli.demo.WorkDirs;
import io.towerstream.jobs.JobConfig;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.store.IndexKind;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreConfig;
import io.towerstream.store.query.StoreStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One end-to-end measurement: a fresh in-process broker, the clicks produced into it first (a
 * backlog, so the pipeline runs as fast as it can), then the training job on a MiniCluster and the
 * store, timed from the job's submission until the trainer has trained every click and the store
 * has applied everything published. The steady rate is taken between 10% and 90% of the events
 * trained, which leaves out start-up and the drain of the last publish.
 */
final class PipelineRun {
  /** The trainer counts as stuck when it trains nothing new for this long. */
  private static final Duration STALL = Duration.ofMinutes(3);

  private PipelineRun() {}

  /** Figures of one run; memory and sizes as they are when the last event was trained. */
  record Result(
      String dataset,
      int trainers,
      int batchSize,
      long events,
      long users,
      long items,
      double produceSeconds,
      double trainedSeconds,
      double servedSeconds,
      double steadyEventsPerSecond,
      long checkpointBytes,
      long storeBytes,
      long heapBytes,
      long rssBytes,
      long nativeBytes) {
    double eventsPerSecond() {
      return events / servedSeconds;
    }
  }

  static Result run(
      ClickStream stream,
      String dataset,
      int trainers,
      int batchSize,
      IndexKind storeIndex,
      List<String> extraJobArgs,
      PrintStream log)
      throws Exception {
    Path work = Files.createTempDirectory("towerstream-bench-train");
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.persistent(work.resolve("kafka"), 0, Map.of("log.retention.ms", "-1"))
            .start()) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--bootstrap-servers",
                  broker.bootstrapServers(),
                  "--parallelism.trainer",
                  Integer.toString(trainers),
                  "--parallelism.source",
                  Integer.toString(trainers),
                  "--model.batch-size",
                  Integer.toString(batchSize),
                  "--starting-offsets",
                  "earliest",
                  "--checkpoint.dir",
                  work.resolve("checkpoints").toUri().toString()));
      args.addAll(extraJobArgs);
      JobConfig config =
          JobConfig.fromArgs(DemoStack.withOneMachineDelivery(args).toArray(String[]::new));
      TopicProvisioner.ensureTopics(
          broker.bootstrapServers(), config.topicNames(), trainers, (short) 1);

      long p0 = System.nanoTime();
      try (ClickReplayer replayer =
          new ClickReplayer(broker.bootstrapServers(), config.clicksTopic())) {
        replayer.replay(stream.records().iterator(), 0);
      }
      double produceSeconds = (System.nanoTime() - p0) / 1e9;
      log.printf(
          Locale.ROOT,
          "  %s, %d trainer(s), batch %d: %d clicks produced in %.1f s (%.0f/s)%n",
          dataset,
          trainers,
          batchSize,
          stream.events(),
          produceSeconds,
          stream.events() / produceSeconds);

      try (RetrievalStore store =
          RetrievalStore.open(
                  StoreConfig.builder()
                      .bootstrapServers(broker.bootstrapServers())
                      .embeddingsTopic(config.embeddingsTopic())
                      .trainerStatusTopic(config.statusTopic())
                      .dbPath(work.resolve("store"))
                      .httpHost("127.0.0.1")
                      .httpPort(0)
                      .indexKind(storeIndex)
                      .build())
              .start()) {
        long t0 = System.nanoTime();
        try (LocalTrainingJob job = LocalTrainingJob.start(config, 0, 0)) {
          return await(stream, dataset, trainers, batchSize, store, work, t0, produceSeconds, log);
        }
      }
    } finally {
      WorkDirs.deleteRecursively(work);
    }
  }

  private static Result await(
      ClickStream stream,
      String dataset,
      int trainers,
      int batchSize,
      RetrievalStore store,
      Path work,
      long t0,
      double produceSeconds,
      PrintStream log)
      throws Exception {
    long events = stream.events();
    double t10 = -1;
    double t90 = -1;
    long lastTrained = -1;
    long lastProgress = System.nanoTime();
    long lastLog = 0;
    while (true) {
      StoreStatus s = store.status();
      double now = (System.nanoTime() - t0) / 1e9;
      if (t10 < 0 && s.eventsTrained() >= events / 10) {
        t10 = now;
      }
      if (t90 < 0 && s.eventsTrained() >= events * 9 / 10) {
        t90 = now;
      }
      if (s.eventsTrained() >= events) {
        break;
      }
      if (s.eventsTrained() != lastTrained) {
        lastTrained = s.eventsTrained();
        lastProgress = System.nanoTime();
      } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
        throw new IllegalStateException(
            "the trainer stopped at " + s.eventsTrained() + " of " + events + " events");
      }
      if (System.nanoTime() - lastLog > 10_000_000_000L) {
        lastLog = System.nanoTime();
        log.printf(
            Locale.ROOT,
            "    %.0f s: %d events trained (%.0f/s so far)%n",
            now,
            s.eventsTrained(),
            s.eventsTrained() / now);
      }
      Thread.sleep(100);
    }
    double trained = (System.nanoTime() - t0) / 1e9;
    long heap = heapAfterGc();
    long rss = rssBytes();
    long nativeBytes = org.bytedeco.javacpp.Pointer.totalBytes();
    if (!store.awaitCaughtUp(Duration.ofMinutes(5))) {
      throw new IllegalStateException(
          "the store did not catch up with the embeddings topic within 5 minutes");
    }
    // the publish after the last event trained, and the store applying it
    long users = stream.users();
    long items = stream.items();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (store.status().usersEmbedded() < users || store.status().itemsEmbedded() < items) {
      if (System.nanoTime() > deadline) {
        break; // reported as it is: the table shows what the store holds
      }
      Thread.sleep(50);
      store.awaitCaughtUp(Duration.ofSeconds(10));
    }
    double served = (System.nanoTime() - t0) / 1e9;
    double steady = t90 > t10 ? (events * 0.8) / (t90 - t10) : events / trained;
    return new Result(
        dataset,
        trainers,
        batchSize,
        events,
        store.status().usersEmbedded(),
        store.status().itemsEmbedded(),
        produceSeconds,
        trained,
        served,
        steady,
        latestCheckpointBytes(work.resolve("checkpoints")),
        directoryBytes(work.resolve("store")),
        heap,
        rss,
        nativeBytes);
  }

  static long heapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** The process's resident set, from /proc (0 elsewhere). */
  static long rssBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** Size of the newest completed checkpoint (its chk-N directory) and its shared files. */
  private static long latestCheckpointBytes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> jobs = Files.list(dir)) {
      long best = 0;
      for (Path job : jobs.toList()) {
        try (Stream<Path> chks = Files.list(job)) {
          Path newest =
              chks.filter(
                      p ->
                          p.getFileName().toString().startsWith("chk-")
                              && Files.exists(p.resolve("_metadata")))
                  .max((a, b) -> Long.compare(number(a), number(b)))
                  .orElse(null);
          if (newest != null) {
            best = Math.max(best, directoryBytes(newest) + directoryBytes(job.resolve("shared")));
          }
        }
      }
      return best;
    }
  }

  private static long number(Path chk) {
    return Long.parseLong(chk.getFileName().toString().substring(4));
  }

  static long directoryBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}

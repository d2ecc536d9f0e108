package io.towerstream.cli.eval;

import io.towerstream.cli.demo.ClickReplayer;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.demo.ItemFeatureProducer;
import io.towerstream.cli.demo.ProgressBars;
import io.towerstream.cli.demo.ProgressReporter;
import io.towerstream.cli.demo.WorkDirs;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.model.eval.Baselines;
import io.towerstream.model.eval.RankingMetrics;
import io.towerstream.model.eval.TemporalSplit;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.query.StoreStatus;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import me.tongfei.progressbar.ProgressBar;

/**
 * One {@code towerstream eval}: split the click log in time, compute the baselines offline while
 * running the training stream through the real pipeline (broker, job on a MiniCluster, store with
 * HTTP; the demo's {@link DemoStack}) once, wait until everything trained is served, and rank every
 * test user over HTTP.
 */
public final class EvalRun {
  /**
   * The trainer counts as stuck when it trains nothing new for this long before reaching the
   * target.
   */
  private static final Duration STALL_TIMEOUT = Duration.ofMinutes(2);

  /**
   * Three default publish intervals without an update: every replica has applied the others' last
   * deltas.
   */
  private static final Duration QUIET_PERIOD = Duration.ofSeconds(3);

  /**
   * The trainer's partial-batch wait during an eval, unless the job options set one: the replay
   * streams without pauses, so batches close at the batch size, and only the last one waits. The
   * job's default (50 ms, for freshness at low traffic) lets a stall of a busy machine close a
   * partial batch somewhere, and then a rerun trains other batches. (Reruns still differ in the
   * third decimal for a reason not yet found.)
   */
  static final String REPLAY_BATCH_WAIT_MS = "2000";

  private static final String BATCH_WAIT_OPTION = "--batch.max-wait-ms";

  /** What the report calls the click log: its file name, or the synthetic stream's description. */
  private final String name;

  /** Reads the click log, sorted by (timestamp, line); called once, by {@link #run}. */
  private final ClickSource source;

  private final double fraction;
  private final int[] ks;
  private final List<String> jobArgs;
  private final PrintStream log = new PrintStream(System.err, true, StandardCharsets.UTF_8);
  private volatile double baselineSeconds;

  /** Units of the baselines' work done so far, of {@link #baselineUnits}. */
  private final java.util.concurrent.atomic.AtomicLong baselineDone =
      new java.util.concurrent.atomic.AtomicLong();

  private long baselineUnits;

  private int easeMaxItems = Baselines.EASE_MAX_ITEMS;

  /** The item catalogue produced before the clicks; empty for none. */
  private List<ItemFeatures> itemFeatures = List.of();

  /** Where an evaluation's clicks come from, in replay order. */
  @FunctionalInterface
  public interface ClickSource {
    List<ClickRecord> read() throws IOException;
  }

  /** Evaluates on a click log file. */
  public EvalRun(
      Path data, ClickFileFormat format, double fraction, int[] ks, List<String> jobArgs) {
    this(
        data.getFileName().toString(),
        () -> ClickFileReader.readSorted(data, format),
        fraction,
        ks,
        jobArgs);
  }

  /**
   * Evaluates on any click source, such as the synthetic generator; its records must be in
   * timestamp order, as a file's are once sorted.
   */
  public EvalRun(String name, ClickSource source, double fraction, int[] ks, List<String> jobArgs) {
    this.name = name;
    this.source = source;
    this.fraction = fraction;
    this.ks = ks.clone();
    this.jobArgs = withReplayBatchWait(jobArgs);
  }

  /** Solves EASE only for catalogues up to this many items; returns this. */
  public EvalRun easeMaxItems(int items) {
    easeMaxItems = items;
    return this;
  }

  /**
   * Produces these item features to the item-features topic before the clicks and adds the
   * cold-start protocol to the report; returns this.
   */
  public EvalRun itemFeatures(List<ItemFeatures> features) {
    itemFeatures = List.copyOf(features);
    return this;
  }

  /**
   * {@code jobArgs}, with {@link #REPLAY_BATCH_WAIT_MS} in front unless they set the batch wait
   * themselves.
   */
  static List<String> withReplayBatchWait(List<String> jobArgs) {
    for (String a : jobArgs) {
      if (a.equals(BATCH_WAIT_OPTION) || a.startsWith(BATCH_WAIT_OPTION + "=")) {
        return List.copyOf(jobArgs);
      }
    }
    List<String> out = new ArrayList<>(List.of(BATCH_WAIT_OPTION, REPLAY_BATCH_WAIT_MS));
    out.addAll(jobArgs);
    return List.copyOf(out);
  }

  public EvalReport run() throws Exception {
    long startedAt = System.nanoTime();
    List<ClickRecord> records = source.read();
    TemporalSplit split = new TemporalSplit(ClickFileReader.interactions(records), fraction);
    log.printf(
        Locale.ROOT,
        "towerstream eval — %s: %d events, %d train, %d test users, %d items in training%n",
        name,
        records.size(),
        split.train.size(),
        split.relevant.size(),
        split.items.size());
    // The baselines are single-threaded offline math (EASE's eigendecompositions dominate):
    // computing them
    // while the pipeline starts and trains overlaps the two instead of adding their times.
    CompletableFuture<Baselines.Result> baselines = baselines(split);

    int maxK = ks[ks.length - 1];
    Map<String, List<String>> rankings;
    int unknownUsers;
    Path workDir = Files.createTempDirectory("towerstream-eval");
    try (DemoStack stack = DemoStack.start(workDir, 0, "127.0.0.1", 0, 0, jobArgs)) {
      log.println(
          "pipeline: broker "
              + stack.bootstrapServers()
              + ", training job "
              + stack.jobId()
              + ", store http://127.0.0.1:"
              + stack.store().port());
      if (!itemFeatures.isEmpty()) {
        try (ItemFeatureProducer producer =
            new ItemFeatureProducer(
                stack.bootstrapServers(), stack.itemFeaturesTopic(), Map.of())) {
          log.println(
              "item features: "
                  + producer.produce(itemFeatures)
                  + " items produced to "
                  + stack.itemFeaturesTopic());
        }
      }
      trainAndServe(stack, records.subList(0, split.train.size()));
      StoreRanker ranker = new StoreRanker("http://127.0.0.1:" + stack.store().port());
      rankings = ranker.rank(exclusions(split), maxK);
      unknownUsers = ranker.unknownUsers();
    } finally {
      WorkDirs.deleteRecursively(workDir);
    }
    Map<String, Double> towerstream =
        RankingMetrics.evaluateRanked(split, user -> rankings.getOrDefault(user, List.of()), ks);
    Map<String, Double> coldStart = null;
    if (!itemFeatures.isEmpty()) {
      Set<String> known = new java.util.LinkedHashSet<>();
      itemFeatures.forEach(f -> known.add(f.getItemId()));
      coldStart =
          RankingMetrics.evaluateRanked(
              split.coldStart(known), user -> rankings.getOrDefault(user, List.of()), ks);
    }
    return new EvalReport(
        name,
        fraction,
        split.train.size(),
        split.relevant.size(),
        ks,
        towerstream,
        join(baselines),
        unknownUsers,
        (System.nanoTime() - startedAt) / 1e9,
        coldStart);
  }

  /**
   * Replays the training clicks once and returns when the trainer has trained all of them and the
   * store has applied everything the trainer published after that.
   */
  private void trainAndServe(DemoStack stack, List<ClickRecord> train) throws InterruptedException {
    RetrievalStore store = stack.store();
    try (ClickReplayer replayer = new ClickReplayer(stack.bootstrapServers(), stack.clicksTopic());
        ProgressReporter progress =
            new ProgressReporter(train.size(), store, replayer::acknowledged)) {
      replayer.replay(train.iterator(), 0);
      long trainedAtPublish = -1;
      int publishesSince = 0;
      long lastTrained = -1;
      long lastProgressAt = System.nanoTime();
      long updatesSeen = -1;
      long updatesChangedAt = System.nanoTime();
      while (true) {
        progress.refresh();
        StoreStatus s = store.status();
        if (s.updatesApplied() != updatesSeen) {
          updatesSeen = s.updatesApplied();
          updatesChangedAt = System.nanoTime();
        }
        if (s.eventsTrained() >= train.size()) {
          // Embeddings and the status that follows them travel through two Kafka sinks (two
          // producers), so
          // the status that reports the last event can overtake that publish's embeddings. The next
          // publish,
          // with nothing trained since, sends every item still pending (publish.item-refresh-ms);
          // the one after
          // comes a publish interval later, when those have long been sent. With several trainer
          // subtasks the
          // replicas go on exchanging their last deltas after the last event and republish what
          // those moved,
          // so the store must also have gone quiet: no update applied for QUIET_PERIOD.
          if (trainedAtPublish < 0) {
            trainedAtPublish = s.trainerPublishedAt();
          } else if (s.trainerPublishedAt() > trainedAtPublish) {
            trainedAtPublish = s.trainerPublishedAt();
            publishesSince++;
          }
          if (publishesSince >= 2
              && System.nanoTime() - updatesChangedAt > QUIET_PERIOD.toNanos()) {
            break;
          }
          if (System.nanoTime() - updatesChangedAt > STALL_TIMEOUT.toNanos()) {
            throw new IllegalStateException(
                "no trainer publish reached the store for "
                    + STALL_TIMEOUT.toSeconds()
                    + " s after the last training event");
          }
        } else if (s.eventsTrained() != lastTrained) {
          lastTrained = s.eventsTrained();
          lastProgressAt = System.nanoTime();
        } else if (System.nanoTime() - lastProgressAt > STALL_TIMEOUT.toNanos()) {
          throw new IllegalStateException(
              "the trainer stopped at "
                  + s.eventsTrained()
                  + " of "
                  + train.size()
                  + " training events for "
                  + STALL_TIMEOUT.toSeconds()
                  + " s (rejected clicks go to clicks.dlq)");
        }
        Thread.sleep(200);
      }
    }
    if (!store.awaitCaughtUp(Duration.ofSeconds(60))) {
      throw new IllegalStateException(
          "the store did not catch up with the embeddings topic within 60 s");
    }
  }

  private CompletableFuture<Baselines.Result> baselines(TemporalSplit split) {
    CompletableFuture<Baselines.Result> result = new CompletableFuture<>();
    baselineUnits = Baselines.workUnits(split, easeMaxItems);
    Thread thread =
        new Thread(
            () -> {
              try {
                long started = System.nanoTime();
                Baselines.Result r =
                    Baselines.evaluateWithEaseUpTo(
                        split, easeMaxItems, baselineDone::addAndGet, ks);
                baselineSeconds = (System.nanoTime() - started) / 1e9;
                result.complete(r);
              } catch (Throwable e) {
                result.completeExceptionally(e);
              }
            },
            "eval-baselines");
    thread.setDaemon(true);
    thread.start();
    return result;
  }

  /**
   * Waits for the baselines. They run while the pipeline trains and ranks; a bar of their own shows
   * only if they are still running once those are done, so that two bars never share the line.
   */
  private Baselines.Result join(CompletableFuture<Baselines.Result> baselines) throws Exception {
    if (!baselines.isDone()) {
      try (ProgressBar bar = ProgressBars.onStderr("baselines", baselineUnits, 120).build()) {
        while (!baselines.isDone()) {
          bar.stepTo(baselineDone.get());
          Thread.sleep(200);
        }
        bar.stepTo(baselineDone.get());
      }
    }
    try {
      Baselines.Result r = baselines.get();
      log.printf(
          Locale.ROOT,
          "baselines (popularity, recent popularity, EASE with λ tuned) took %.1f s%n",
          baselineSeconds);
      return r;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** Each test user's training items, by id: the store must not return them. */
  private static Map<String, List<String>> exclusions(TemporalSplit split) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String user : split.relevant.keySet()) {
      Set<Integer> seen = split.trainItems.get(user);
      List<String> ids = new ArrayList<>(seen.size());
      seen.forEach(ix -> ids.add(split.items.get(ix)));
      out.put(user, ids);
    }
    return out;
  }
}

package io.towerstream.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.ClickTraffic;
import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.PublishedModel;
import io.towerstream.schemas.TopicProvisioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 of TaskManagers under a job with two trainer subtasks, exactly-once, on a real
 * multi-process cluster (a JobManager, three one-slot TaskManagers and a broker, each its own JVM).
 * The first kill takes one trainer's TaskManager: the job restarts from its latest checkpoint on
 * the two left, trains every click once, and its two item replicas agree. The second kill, during
 * more clicks, leaves one slot: the job is cancelled and resumed from the crashed run's last
 * checkpoint at one trainer, as an operator with one machine left would, and trains every click
 * once.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class TwoTrainerKillITCase {
  private static final Logger LOG = LoggerFactory.getLogger(TwoTrainerKillITCase.class);
  private static final int USERS = 300;
  private static final int ITEMS = 120;
  private static final int FIRST = 30_000;
  private static final int MORE = 20_000;

  /**
   * What two replicas' fingerprints may differ by once every delta arrived (rounding, measured
   * ~1e-7); one delta doubled or lost moved them ~0.5 in {@code ReplicaFingerprintTest}.
   */
  static final double REPLICAS_AGREE = 1e-4;

  @Test
  void killsAtTwoTrainersLoseNothingDoubleNothingAndResumeAtOneTrainer(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work) throws Exception {
    ClusterArtifacts build = ClusterArtifacts.ofThisBuild();
    Map<String, String> env = Map.of("OMP_NUM_THREADS", "1");
    try (JvmProcess broker = startBroker(build, work, env);
        StandaloneFlinkCluster cluster =
            StandaloneFlinkCluster.start(
                work, build.clusterClasspath(), 3, 1, env, fastFailureDetection())) {
      String bootstrap =
          broker.awaitLine(Pattern.compile("READY (\\S+)"), Duration.ofSeconds(60)).group(1);
      JobConfig atTwo = config(bootstrap, work, 2);
      TopicProvisioner.ensureTopics(bootstrap, atTwo.topicNames(), 2, (short) 1);
      Set<String> keys = ClickTraffic.produce(bootstrap, atTwo.clicksTopic(), USERS, ITEMS, FIRST);

      String job = cluster.submit(build.jobJar(), MAIN, 2, atTwo.toArgs());
      cluster.awaitRunning(job, Duration.ofMinutes(2));
      long atFirstKill = killTrainer(cluster, job, atTwo, 0, FIRST / 4);
      cluster.awaitRunning(job, Duration.ofMinutes(2));
      PublishedModel.awaitTrained(atTwo, () -> false, FIRST, Duration.ofMinutes(2));
      double[] fingerprints = awaitReplicasAgree(cluster);
      PublishedModel afterFirst = awaitCommitted(atTwo, FIRST);
      assertThat(atFirstKill).as("killed mid-stream").isLessThan(FIRST);
      assertThat(afterFirst.status().getEventsTrained())
          .as("after a kill at two trainers: none lost, none trained twice")
          .isEqualTo(FIRST);
      assertThat(afterFirst.status().getTrainers()).isEqualTo(2);
      assertThat(afterFirst.latest().keySet()).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(afterFirst.deadLetters()).as("each bad record dead-lettered once").isEqualTo(2);

      ClickTraffic.produce(bootstrap, atTwo.clicksTopic(), USERS, ITEMS, MORE);
      long atSecondKill = killTrainer(cluster, job, atTwo, 1, FIRST + MORE / 4);
      // one one-slot TaskManager is left: the job cannot run at two, so it goes back to the
      // crashed run's last checkpoint at one
      String checkpoint = cluster.latestCheckpoint(job);
      cluster.cancel(job);
      cluster.awaitState(job, "CANCELED", Duration.ofMinutes(1));
      JobConfig atOne = config(bootstrap, work, 1);
      String resumed = cluster.submit(build.jobJar(), MAIN, 1, atOne.toArgs(), checkpoint);
      cluster.awaitRunning(resumed, Duration.ofMinutes(2));
      PublishedModel.awaitTrained(atOne, () -> false, FIRST + MORE, Duration.ofMinutes(2));
      cluster.stopWithDrain(resumed, work.resolve("savepoints"), Duration.ofMinutes(2));
      PublishedModel last = PublishedModel.read(atOne);
      LOG.info(
          "two kills survived (after {} and {} events trained); replica fingerprints {} and {}; "
              + "resumed at one trainer from {}; {} events trained in the end",
          atFirstKill,
          atSecondKill,
          fingerprints[0],
          fingerprints[1],
          checkpoint,
          last.status().getEventsTrained());

      assertThat(atSecondKill).as("killed mid-stream").isLessThan(FIRST + MORE);
      assertThat(cluster.restoredCheckpoint(resumed)).as("resumed from the checkpoint").isNotNull();
      assertThat(last.status().getEventsTrained())
          .as("resumed at another parallelism after a crash: none lost, none trained twice")
          .isEqualTo(FIRST + MORE);
      assertThat(last.status().getTrainers()).isEqualTo(1);
      assertThat(last.status().getUsers()).isEqualTo(USERS);
      assertThat(last.status().getItems()).isEqualTo(ITEMS);
      assertThat(last.latest().keySet()).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(last.deadLetters()).as("each bad record dead-lettered once").isEqualTo(4);
    }
  }

  static final String MAIN = "io.towerstream.jobs.TrainingJob";

  static JvmProcess startBroker(ClusterArtifacts build, Path work, Map<String, String> env) {
    return JvmProcess.start(
        "kafka",
        build.brokerClasspath(),
        List.of("-Xmx768m"),
        "io.towerstream.kafka.embedded.BrokerMain",
        List.of("--log-dir", work.resolve("kafka").toString()),
        env,
        work.resolve("log"));
  }

  /**
   * A dead TaskManager noticed within seconds, not the default 50 s heartbeat timeout; metrics
   * fetched every second.
   */
  static Map<String, String> fastFailureDetection() {
    return Map.of(
        "heartbeat.interval", "1000",
        "heartbeat.timeout", "10000",
        "metrics.fetcher.update-interval", "1000",
        // a slot request still open after this fails the job over and asks again, instead of
        // waiting out the default five minutes
        "slot.request.timeout", "45000");
  }

  /**
   * Waits until the run trained {@code trainedAtLeast} events, then kill -9 of the TaskManager of
   * trainer subtask {@code subtask}; returns the events trained as last published before the kill.
   */
  static long killTrainer(
      StandaloneFlinkCluster cluster,
      String job,
      JobConfig config,
      int subtask,
      long trainedAtLeast)
      throws Exception {
    long trained =
        PublishedModel.awaitTrained(config, () -> false, trainedAtLeast, Duration.ofMinutes(2));
    // a kill before the first completed checkpoint only restarts the job from scratch
    long deadline0 = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (cluster.latestCheckpointId(job) == 0) {
      assertThat(System.nanoTime()).as("a checkpoint before the kill").isLessThan(deadline0);
      Thread.sleep(250);
    }
    JvmProcess victim = cluster.taskManagerRunning(job, "Trainer", subtask);
    assertThat(victim).as("trainer %d's TaskManager", subtask).isNotNull();
    long killedAt = System.nanoTime();
    victim.kill();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (cluster.taskManagerRunning(job, "Trainer", subtask) == victim) {
      assertThat(System.nanoTime()).as("the kill noticed").isLessThan(deadline);
      Thread.sleep(250);
    }
    LOG.info(
        "killed {} (kill -9, trainer subtask {}) after {} events trained; noticed in {} s",
        victim.name(),
        subtask,
        trained,
        String.format("%.1f", (System.nanoTime() - killedAt) / 1e9));
    return trained;
  }

  /**
   * Waits until both trainer subtasks of the restarted run (attempt 1 or later) have logged a
   * fingerprint of their item replica (taken when idle) and the two agree; returns them. Read from
   * the TaskManagers' logs rather than Flink's REST metrics: after a failover the JobManager's
   * metric store may go on answering a subtask's metrics from an earlier attempt.
   */
  static double[] awaitReplicasAgree(StandaloneFlinkCluster cluster) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    Map<Integer, Fingerprint> latest = Map.of();
    while (System.nanoTime() < deadline) {
      latest = latestFingerprints(cluster.logDir());
      Fingerprint a = latest.get(0);
      Fingerprint b = latest.get(1);
      if (a != null && b != null && Math.abs(a.value() - b.value()) <= REPLICAS_AGREE) {
        return new double[] {a.value(), b.value()};
      }
      Thread.sleep(1_000);
    }
    throw new AssertionError(
        "the trainer replicas' fingerprints after the restart still differ: " + latest);
  }

  /** One logged fingerprint: the subtask's attempt, the value, the items it covers. */
  record Fingerprint(int attempt, double value, int items) {}

  private static final Pattern FINGERPRINT =
      Pattern.compile(
          "Trainer (\\d+)/2 \\(attempt (\\d+)\\) idle: replica fingerprint (\\S+) over (\\d+) items");

  /**
   * Per trainer subtask, the last fingerprint its newest attempt logged; attempt 0 (the run before
   * the kill) does not count.
   */
  static Map<Integer, Fingerprint> latestFingerprints(Path logDir) throws IOException {
    Map<Integer, Fingerprint> latest = new TreeMap<>();
    try (var logs = Files.list(logDir)) {
      for (Path log :
          logs.filter(p -> p.getFileName().toString().startsWith("taskmanager")).toList()) {
        for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
          var m = FINGERPRINT.matcher(line);
          if (!m.find() || Integer.parseInt(m.group(2)) == 0) {
            continue;
          }
          Fingerprint f =
              new Fingerprint(
                  Integer.parseInt(m.group(2)),
                  Double.parseDouble(m.group(3)),
                  Integer.parseInt(m.group(4)));
          latest.merge(
              Integer.parseInt(m.group(1)),
              f,
              (old, now) -> now.attempt() >= old.attempt() ? now : old);
        }
      }
    }
    return latest;
  }

  /**
   * What the run committed once its status says it trained at least {@code events} (a checkpoint
   * after training).
   */
  static PublishedModel awaitCommitted(JobConfig config, long events) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (true) {
      PublishedModel m = PublishedModel.read(config);
      if (m.status() != null && m.status().getEventsTrained() >= events) {
        return m;
      }
      assertThat(System.nanoTime())
          .as("%d events trained and committed", events)
          .isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private static JobConfig config(String bootstrap, Path work, int trainers) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers", bootstrap,
                "--topic.clicks", "tt.clicks",
                "--topic.dlq", "tt.clicks.dlq",
                "--topic.embeddings", "tt.embeddings",
                "--topic.status", "tt.trainer-status",
                "--topic.sync", "tt.model-sync",
                "--group-id", "tt",
                "--sink.transactional-id-prefix", "tt",
                "--starting-offsets", "earliest",
                "--parallelism.source", Integer.toString(trainers),
                "--parallelism.trainer", Integer.toString(trainers),
                "--publish.interval-ms", "200",
                "--checkpoint.interval-ms", "500",
                "--checkpoint.dir", work.resolve("checkpoints").toUri().toString(),
                "--restart.delay-ms", "1000",
                "--model.dim", "16",
                "--model.batch-size", "64",
                "--model.reservoir.negatives", "16"));
    return JobConfig.fromArgs(args.toArray(String[]::new));
  }
}

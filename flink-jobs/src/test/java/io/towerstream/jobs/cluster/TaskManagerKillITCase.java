package io.towerstream.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.ClickTraffic;
import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.PublishedModel;
import io.towerstream.schemas.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 of the TaskManager process that runs the trainer, mid-stream, on a real multi-process
 * cluster (JobManager, two TaskManagers and a broker, each its own JVM; the job jar submitted as
 * {@code flink run} does). The job restarts from its latest checkpoint on the surviving
 * TaskManager. The same 200,000 clicks also train once on the cluster without a kill; both runs are
 * exactly-once (the default), one trainer, count-closed batches, ended with stop-with- drain.
 * Afterwards both trained every valid click once and published the same final model, vector for
 * vector.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class TaskManagerKillITCase {
  private static final Logger LOG = LoggerFactory.getLogger(TaskManagerKillITCase.class);
  private static final int USERS = 3_000;
  private static final int ITEMS = 600;
  private static final int VALID_CLICKS = 200_000;
  private static final int BATCH = 64;

  @Test
  void killingTheTrainersTaskManagerLosesNothingAndChangesNothing(@TempDir Path work)
      throws Exception {
    ClusterArtifacts build = ClusterArtifacts.ofThisBuild();
    Path jobJar = build.jobJar();
    Map<String, String> env = Map.of("OMP_NUM_THREADS", "1");
    Path logs = work.resolve("log");

    try (JvmProcess broker =
        JvmProcess.start(
            "kafka",
            build.brokerClasspath(),
            List.of("-Xmx768m"),
            "io.towerstream.kafka.embedded.BrokerMain",
            List.of("--log-dir", work.resolve("kafka").toString()),
            env,
            logs)) {
      String bootstrap =
          broker.awaitLine(Pattern.compile("READY (\\S+)"), Duration.ofSeconds(60)).group(1);
      JobConfig straight = config(bootstrap, "ka", work);
      JobConfig killed = config(bootstrap, "kb", work);
      TopicProvisioner.ensureTopics(bootstrap, straight.topicNames(), 1, (short) 1);
      TopicProvisioner.ensureTopics(bootstrap, killed.topicNames(), 1, (short) 1);
      ClickTraffic.produce(bootstrap, straight.clicksTopic(), USERS, ITEMS, VALID_CLICKS);

      // a dead TaskManager is noticed within seconds, not the default 50 s heartbeat timeout
      Map<String, String> flink =
          Map.of("heartbeat.interval", "1000", "heartbeat.timeout", "10000");
      try (StandaloneFlinkCluster cluster =
          StandaloneFlinkCluster.start(work, build.clusterClasspath(), 2, 1, env, flink)) {
        String first =
            cluster.submit(jobJar, "io.towerstream.jobs.TrainingJob", 1, straight.toArgs());
        cluster.awaitRunning(first, Duration.ofMinutes(2));
        PublishedModel.awaitTrained(straight, () -> false, VALID_CLICKS, Duration.ofMinutes(3));
        cluster.stopWithDrain(first, work.resolve("savepoints"), Duration.ofMinutes(2));
        PublishedModel expected = PublishedModel.read(straight);

        String second =
            cluster.submit(jobJar, "io.towerstream.jobs.TrainingJob", 1, killed.toArgs());
        cluster.awaitRunning(second, Duration.ofMinutes(2));
        long trainedAtKill =
            PublishedModel.awaitTrained(
                killed, () -> false, VALID_CLICKS / 3, Duration.ofMinutes(3));
        JvmProcess victim = cluster.taskManagerRunning(second, "Trainer");
        assertThat(victim).as("the trainer's TaskManager").isNotNull();
        long killedAt = System.nanoTime();
        victim.kill();
        LOG.info("killed {} (kill -9) after {} events trained", victim.name(), trainedAtKill);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        JvmProcess now;
        while ((now = cluster.taskManagerRunning(second, "Trainer")) == victim
            || now == null) { // until moved
          assertThat(System.nanoTime())
              .as("the trainer moved off the dead TaskManager")
              .isLessThan(deadline);
          Thread.sleep(250);
        }
        cluster.awaitRunning(second, Duration.ofMinutes(2));
        LOG.info(
            "the job runs again on the other TaskManager {} s after the kill",
            String.format("%.1f", (System.nanoTime() - killedAt) / 1e9));
        PublishedModel.awaitTrained(killed, () -> false, VALID_CLICKS, Duration.ofMinutes(3));
        cluster.stopWithDrain(second, work.resolve("savepoints"), Duration.ofMinutes(2));
        PublishedModel actual = PublishedModel.read(killed);

        assertThat(expected.status().getEventsTrained()).isEqualTo(VALID_CLICKS);
        assertThat(actual.status().getEventsTrained())
            .as("none lost, none trained twice")
            .isEqualTo(VALID_CLICKS);
        assertThat(actual.status().getBatches()).isEqualTo(VALID_CLICKS / BATCH);
        assertThat(actual.latest()).hasSize(USERS + ITEMS);
        double maxDiff = expected.largestDifference(actual);
        LOG.info("largest difference between the runs' final vectors: {}", maxDiff);
        assertThat(maxDiff).as("the same final model, bit for bit").isZero();
        assertThat(actual.deadLetters()).isEqualTo(2);
        assertThat(actual.status().getPrequential())
            .as("test-then-train metrics, restored with the model")
            .hasSize(4)
            .isEqualTo(expected.status().getPrequential());
      }
    }
  }

  private static JobConfig config(String bootstrap, String run, Path work) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers", bootstrap,
                "--topic.clicks", "k.clicks",
                "--topic.dlq", run + ".clicks.dlq",
                "--topic.embeddings", run + ".embeddings",
                "--topic.status", run + ".trainer-status",
                "--topic.sync", run + ".model-sync",
                "--group-id", run,
                "--sink.transactional-id-prefix", run,
                "--starting-offsets", "earliest",
                "--parallelism.source", "1",
                "--parallelism.trainer", "1",
                "--batch.max-wait-ms", "0",
                "--publish.interval-ms", "100",
                "--checkpoint.interval-ms", "500",
                "--checkpoint.dir", work.resolve("checkpoints-" + run).toUri().toString(),
                "--restart.delay-ms", "1000",
                "--model.dim", "16",
                "--model.batch-size", Integer.toString(BATCH),
                "--model.reservoir.negatives", "16",
                "--eval.prequential.budget",
                    "0")); // the budget shrinks the scored cohort by measured time: not repeatable
    return JobConfig.fromArgs(args.toArray(String[]::new));
  }
}

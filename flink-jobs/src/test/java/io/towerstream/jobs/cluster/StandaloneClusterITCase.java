package io.towerstream.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.towerstream.jobs.ClickTraffic;
import io.towerstream.jobs.JobConfig;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job jar on a real multi-process Flink cluster: a JobManager and two TaskManagers, each a JVM
 * of its own on loopback (started from Flink's own entrypoint classes, memory computed as Flink's
 * scripts compute it), a Kafka broker in a fourth process, and the shaded job jar submitted as
 * {@code flink run} submits it. The cluster's classpath holds Flink and the other libraries but
 * none of towerstream's classes: those come from the job jar. With two trainer subtasks on two
 * TaskManagers, every user and every item must be trained and published, so the replicas' deltas
 * crossed processes through Kafka.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class StandaloneClusterITCase {
  private static final Logger LOG = LoggerFactory.getLogger(StandaloneClusterITCase.class);
  private static final int USERS = 60;
  private static final int ITEMS = 90;
  private static final int VALID_CLICKS = 4_000;

  @Test
  void trainsAndPublishesWithTwoTrainerSubtasksOnTwoTaskManagers(@TempDir Path work)
      throws Exception {
    ClusterArtifacts build = ClusterArtifacts.ofThisBuild();
    Path jobJar = build.jobJar();
    Map<String, String> env = Map.of("OMP_NUM_THREADS", "1");
    Path logs = work.resolve("log");

    try (JvmProcess broker =
        JvmProcess.start(
            "kafka",
            build.brokerClasspath(),
            List.of("-Xmx512m"),
            "io.towerstream.kafka.embedded.BrokerMain",
            List.of("--log-dir", work.resolve("kafka").toString()),
            env,
            logs)) {
      String bootstrap =
          broker.awaitLine(Pattern.compile("READY (\\S+)"), Duration.ofSeconds(60)).group(1);
      JobConfig config =
          JobConfig.fromArgs(
              "--bootstrap-servers", bootstrap,
              "--parallelism.trainer", "2",
              "--parallelism.source", "2",
              "--starting-offsets", "earliest",
              "--publish.interval-ms", "200",
              "--checkpoint.interval-ms", "1000",
              "--checkpoint.dir", work.resolve("checkpoints").toUri().toString(),
              "--model.dim", "16",
              "--model.batch-size", "64",
              "--model.reservoir.negatives", "16");
      TopicProvisioner.ensureTopics(bootstrap, config.topicNames(), 2, (short) 1);
      Set<String> expected =
          ClickTraffic.produce(bootstrap, config.clicksTopic(), USERS, ITEMS, VALID_CLICKS);

      try (StandaloneFlinkCluster cluster =
          StandaloneFlinkCluster.start(work, build.clusterClasspath(), 2, 1, env)) {
        long submitted = System.nanoTime();
        String jobId =
            cluster.submit(jobJar, "io.towerstream.jobs.TrainingJob", 2, config.toArgs());
        try {
          JsonNode job = cluster.awaitRunning(jobId, Duration.ofMinutes(2));
          ClickTraffic.Outputs out =
              ClickTraffic.consumeUntilDone(
                  config, expected, VALID_CLICKS, ITEMS, Duration.ofMinutes(3));
          LOG.info(
              "cluster job {} trained and published {} clicks {} s after submission; {} updates",
              jobId,
              VALID_CLICKS,
              String.format("%.1f", (System.nanoTime() - submitted) / 1e9),
              out.updates);

          TrainerStatus last = out.lastStatus();
          assertThat(last.getTrainers()).isEqualTo(2);
          assertThat(last.getEventsTrained()).isEqualTo(VALID_CLICKS);
          assertThat(last.getUsers()).isEqualTo(USERS);
          assertThat(last.getItems()).isEqualTo(ITEMS);
          assertThat(out.latestVectors.keySet()).containsExactlyInAnyOrderElementsOf(expected);
          assertThat(out.deadLetters).hasSize(2);

          JsonNode trainer = vertex(job, "Trainer");
          assertThat(trainer.path("parallelism").asInt()).isEqualTo(2);
          JsonNode subtasks =
              cluster
                  .get("/jobs/" + jobId + "/vertices/" + trainer.path("id").asText())
                  .path("subtasks");
          Set<String> taskManagers = new HashSet<>();
          subtasks.forEach(s -> taskManagers.add(s.path("taskmanager-id").asText()));
          assertThat(taskManagers).as("one trainer subtask on each TaskManager").hasSize(2);
          JsonNode appliedMin =
              cluster.subtaskMetric(
                  jobId, "Trainer", "deltasApplied", "min", Duration.ofSeconds(40));
          assertThat(appliedMin).as("deltasApplied reported").isNotNull();
          double applied = appliedMin.path("min").asDouble();
          LOG.info("deltas applied by each trainer subtask: at least {}", applied);
          assertThat(applied).as("each subtask applied the other's deltas").isPositive();
        } finally {
          cluster.cancel(jobId);
        }
      }
    }
  }

  private static JsonNode vertex(JsonNode job, String namePrefix) {
    for (JsonNode v : job.path("vertices")) {
      if (v.path("name").asText().startsWith(namePrefix)) {
        return v;
      }
    }
    throw new AssertionError("no vertex named " + namePrefix + "… in " + job);
  }
}

package io.towerstream.jobs.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.towerstream.jobs.ClickTraffic;
import io.towerstream.jobs.JobConfig;
import io.towerstream.jobs.PublishedModel;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kill -9 of a trainer's TaskManager under a job with two trainer subtasks publishing
 * at-least-once, on a real multi-process cluster. Training stays exactly once (the model and the
 * click offsets are in one checkpoint); what the killed run published after the checkpoint the
 * restore went back to appears again. The test counts those duplicates (updates of rolled-back
 * epochs, and the events whose training they published), checks that the restore went back no
 * further than the last checkpoint completed before the kill, and that no duplicate shadows a newer
 * update for a reader that keeps the highest sequence per key (as the store does).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class AtLeastOnceKillITCase {
  private static final Logger LOG = LoggerFactory.getLogger(AtLeastOnceKillITCase.class);
  private static final int USERS = 300;
  private static final int ITEMS = 120;
  private static final int CLICKS = 30_000;
  private static final Pattern RESTORED =
      Pattern.compile(
          "Trainer (\\d+)/2 restored from checkpoint (\\d+) of \\d+ subtask\\(s\\): (\\d+) events"
              + " trained");

  @Test
  void aKillLosesNothingAndRepublishesOnlyWhatFollowedTheLastCheckpoint(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path work) throws Exception {
    ClusterArtifacts build = ClusterArtifacts.ofThisBuild();
    Map<String, String> env = Map.of("OMP_NUM_THREADS", "1");
    try (JvmProcess broker = TwoTrainerKillITCase.startBroker(build, work, env);
        StandaloneFlinkCluster cluster =
            StandaloneFlinkCluster.start(
                work,
                build.clusterClasspath(),
                3,
                1,
                env,
                TwoTrainerKillITCase.fastFailureDetection())) {
      String bootstrap =
          broker.awaitLine(Pattern.compile("READY (\\S+)"), Duration.ofSeconds(60)).group(1);
      JobConfig config = config(bootstrap, work);
      TopicProvisioner.ensureTopics(bootstrap, config.topicNames(), 2, (short) 1);
      Set<String> keys =
          ClickTraffic.produce(bootstrap, config.clicksTopic(), USERS, ITEMS, CLICKS);

      String job = cluster.submit(build.jobJar(), TwoTrainerKillITCase.MAIN, 2, config.toArgs());
      cluster.awaitRunning(job, Duration.ofMinutes(2));
      PublishedModel.awaitTrained(config, () -> false, CLICKS / 4, Duration.ofMinutes(2));
      long completedBeforeKill = cluster.latestCheckpointId(job);
      long atKill = TwoTrainerKillITCase.killTrainer(cluster, job, config, 0, CLICKS / 4);
      cluster.awaitRunning(job, Duration.ofMinutes(2));
      PublishedModel.awaitTrained(config, () -> false, CLICKS, Duration.ofMinutes(2));
      double[] fingerprints = TwoTrainerKillITCase.awaitReplicasAgree(cluster);
      JsonNode restored = cluster.restoredCheckpoint(job);
      cluster.stopWithDrain(job, work.resolve("savepoints"), Duration.ofMinutes(2));

      assertThat(restored).as("the job restored from a checkpoint").isNotNull();
      long restoredId = restored.path("id").asLong();
      long restoredAt = restored.path("restore_timestamp").asLong();
      long eventsRestored = eventsInRestoredCheckpoint(cluster, restoredId);
      Published out = Published.read(config);
      PublishedModel last = PublishedModel.read(config);

      // what the killed run published after the checkpoint the restore went back to, and which the
      // restored run published again
      List<EmbeddingUpdate> rolledBack =
          out.updates.stream()
              .filter(u -> u.getUpdatedAt().toEpochMilli() < restoredAt)
              .filter(u -> u.getCheckpointEpoch() > restoredId)
              .toList();
      long publishedBeforeRestore =
          out.statuses.stream()
              .filter(s -> s.getPublishedAt().toEpochMilli() < restoredAt)
              .mapToLong(TrainerStatus::getEventsTrained)
              .max()
              .orElse(0);
      long eventsRepublished = publishedBeforeRestore - eventsRestored;
      int duplicateDeadLetters = last.deadLetters() - 2;
      LOG.info(
          "at-least-once: 1 kill survived after {} events trained; restored checkpoint {} (newest "
              + "completed before the kill: {}) held {} events; the killed run had published {}: {} "
              + "events republished, {} of {} updates duplicated, {} duplicate dead letters; {} events "
              + "trained in the end of {}; replica fingerprints {} and {}",
          atKill,
          restoredId,
          completedBeforeKill,
          eventsRestored,
          publishedBeforeRestore,
          eventsRepublished,
          rolledBack.size(),
          out.updates.size(),
          duplicateDeadLetters,
          last.status().getEventsTrained(),
          CLICKS,
          fingerprints[0],
          fingerprints[1]);

      assertThat(atKill).as("killed mid-stream").isLessThan(CLICKS);
      assertThat(last.status().getEventsTrained())
          .as("training stays exactly once: none lost, none trained twice")
          .isEqualTo(CLICKS);
      assertThat(last.latest().keySet()).containsExactlyInAnyOrderElementsOf(keys);
      assertThat(last.deadLetters()).as("no dead letter lost").isBetween(2, 4);
      assertThat(restoredId)
          .as("the restore went back no further than the last checkpoint completed before the kill")
          .isGreaterThanOrEqualTo(completedBeforeKill);
      assertThat(eventsRestored).as("a checkpoint with progress in it").isPositive();
      assertThat(eventsRepublished)
          .as("republished: at most what was trained after that checkpoint")
          .isBetween(0L, publishedBeforeRestore - 1);
      // every key's newest update by sequence is the restored run's or was never rolled back
      Map<String, EmbeddingUpdate> newest = new HashMap<>();
      for (EmbeddingUpdate u : out.updates) {
        newest.merge(
            Topics.embeddingKey(u.getEntity(), u.getId()),
            u,
            (a, b) -> b.getSequence() >= a.getSequence() ? b : a);
      }
      assertThat(newest.values())
          .as("no duplicate shadows a newer update")
          .noneMatch(rolledBack::contains);
      assertThat(newest).isEqualTo(last.latest());
    }
  }

  /**
   * The events trained as of checkpoint {@code id}, as the restored trainer subtasks logged them
   * (summed over the subtasks).
   */
  private static long eventsInRestoredCheckpoint(StandaloneFlinkCluster cluster, long id) {
    Map<Integer, Long> bySubtask = new HashMap<>();
    for (JvmProcess tm : cluster.taskManagers()) {
      for (Matcher m : tm.linesMatching(RESTORED)) {
        if (Long.parseLong(m.group(2)) == id) {
          bySubtask.put(Integer.parseInt(m.group(1)), Long.parseLong(m.group(3)));
        }
      }
    }
    assertThat(bySubtask).as("both trainer subtasks logged their restore").hasSize(2);
    return bySubtask.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Every record on the run's embeddings and status topics, in order (at-least-once publishes no
   * transactions: what a reader sees).
   */
  private record Published(List<EmbeddingUpdate> updates, List<TrainerStatus> statuses) {
    static Published read(JobConfig config) {
      List<EmbeddingUpdate> updates = new ArrayList<>();
      List<TrainerStatus> statuses = new ArrayList<>();
      Map<String, Object> props =
          Map.of(
              ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
              config.bootstrapServers(),
              ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
              "false");
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(config.embeddingsTopic(), config.statusTopic())) {
          consumer
              .partitionsFor(topic)
              .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
          assertThat(System.nanoTime()).as("reading the outputs").isLessThan(deadline);
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(config.embeddingsTopic())) {
              EmbeddingUpdate u = Topics.EMBEDDINGS.codec().decode(r.value());
              assertThat(Topic.key(r.key()))
                  .isEqualTo(Topics.embeddingKey(u.getEntity(), u.getId()));
              updates.add(u);
            } else {
              statuses.add(Topics.TRAINER_STATUS.codec().decode(r.value()));
            }
          }
        }
      }
      return new Published(updates, statuses);
    }
  }

  private static JobConfig config(String bootstrap, Path work) {
    return JobConfig.fromArgs(
        "--bootstrap-servers", bootstrap,
        "--topic.clicks", "al.clicks",
        "--topic.dlq", "al.clicks.dlq",
        "--topic.embeddings", "al.embeddings",
        "--topic.status", "al.trainer-status",
        "--topic.sync", "al.model-sync",
        "--group-id", "al",
        "--delivery", "at-least-once",
        "--starting-offsets", "earliest",
        "--parallelism.source", "2",
        "--parallelism.trainer", "2",
        "--publish.interval-ms", "200",
        "--checkpoint.interval-ms", "500",
        "--checkpoint.dir", work.resolve("checkpoints").toUri().toString(),
        "--restart.delay-ms", "1000",
        "--model.dim", "16",
        "--model.batch-size", "64",
        "--model.reservoir.negatives", "16");
  }
}

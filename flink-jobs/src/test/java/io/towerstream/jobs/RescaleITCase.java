package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rescaling from a savepoint, on a MiniCluster against a real broker: trained at two trainer
 * subtasks, stopped with a savepoint, resumed at three on the RocksDB state backend, stopped again,
 * resumed at one. User rows follow their key groups, the item replica restores from subtask 0's,
 * pending events and progress counters carry over, and every phase's clicks are trained exactly
 * once in the job-level count.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RescaleITCase {
  private static final int USERS = 50;
  private static final int ITEMS = 80;
  private static final int FIRST = 3_000;
  private static final int MORE = 1_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(3)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void trainsOnAfterRescalingFromSavepointsTwoToThreeToOne(@TempDir Path work) throws Exception {
    JobConfig base =
        JobConfig.builder()
            .bootstrapServers(KAFKA.bootstrapServers())
            .clicksTopic("rs.clicks")
            .dlqTopic("rs.clicks.dlq")
            .embeddingsTopic("rs.embeddings")
            .statusTopic("rs.trainer-status")
            .syncTopic("rs.model-sync")
            .startingOffsets(StartingOffsets.EARLIEST)
            .sourceParallelism(1)
            .publishIntervalMs(200)
            .checkpointIntervalMs(500)
            .syncIntervalMs(50)
            .checkpointDir(work.resolve("checkpoints").toUri().toString())
            .model(
                io.towerstream.model.ModelConfig.builder()
                    .dim(16)
                    .batchSize(64)
                    .reservoirCapacity(1_000)
                    .reservoirNegatives(16)
                    .build())
            .build();
    TopicProvisioner.ensureTopics(base.bootstrapServers(), base.topicNames(), 2, (short) 1);
    Set<String> keys =
        new HashSet<>(
            ClickTraffic.produce(base.bootstrapServers(), base.clicksTopic(), USERS, ITEMS, FIRST));

    String savepoint =
        runUntil(
            base.toBuilder().trainerParallelism(2).groupId("rs-p2").build(),
            null,
            keys,
            FIRST,
            2,
            work);
    keys.addAll(produceMore(base, 0));
    // the middle run keeps its state in RocksDB (on local disk, checkpointed incrementally):
    // savepoints are in the canonical format, so a job may change its state backend along with its
    // parallelism
    savepoint =
        runUntil(
            base.toBuilder()
                .trainerParallelism(3)
                .groupId("rs-p3")
                .stateBackend(JobConfig.StateBackend.ROCKSDB)
                .build(),
            savepoint,
            keys,
            FIRST + MORE,
            3,
            work);
    keys.addAll(produceMore(base, 1));
    runUntil(
        base.toBuilder().trainerParallelism(1).groupId("rs-p1").build(),
        savepoint,
        keys,
        FIRST + 2 * MORE,
        1,
        work);
  }

  /**
   * Runs the job (from {@code savepoint} if given) until everything is trained and published; stops
   * it with a savepoint.
   */
  private static String runUntil(
      JobConfig config, String savepoint, Set<String> keys, int events, int trainers, Path work)
      throws Exception {
    Configuration conf = new Configuration();
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(trainers);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    ClickTraffic.Outputs out;
    try {
      out = ClickTraffic.consumeUntilDone(config, keys, events, ITEMS, Duration.ofMinutes(2));
    } catch (AssertionError e) {
      String state = client.getJobStatus().get(10, TimeUnit.SECONDS).toString();
      if (client.getJobExecutionResult().isDone()) {
        try {
          client.getJobExecutionResult().get();
        } catch (Exception failure) {
          throw new AssertionError(e.getMessage() + "; the job " + state, failure);
        }
      }
      throw new AssertionError(e.getMessage() + "; the job is " + state, e);
    }
    TrainerStatus last = out.lastStatus();
    assertThat(last.getEventsTrained())
        .as("every click trained once, counted across the rescale")
        .isEqualTo(events);
    assertThat(last.getTrainers()).isEqualTo(trainers);
    assertThat(last.getUsers())
        .as("users, sharded")
        .isEqualTo(keys.stream().filter(k -> k.startsWith("USER:")).count());
    assertThat(last.getItems()).isEqualTo(ITEMS);
    return client
        .stopWithSavepoint(
            false, work.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
        .get(2, TimeUnit.MINUTES);
  }

  /** {@value #MORE} clicks of known users and ten new ones, on known items. */
  private static Set<String> produceMore(JobConfig config, int round) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Set<String> keys = new HashSet<>();
    Random random = new Random(100 + round);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int k = 0; k < MORE; k++) {
        String user =
            k % 10 == 0 ? "new-" + round + "-" + (k / 10 % 10) : "u" + random.nextInt(USERS);
        String item = "i" + random.nextInt(ITEMS);
        keys.add(Topics.embeddingKey(Entity.USER, user));
        ClickEvent click =
            new ClickEvent(
                user, item, Instant.ofEpochMilli(1_750_000_000_000L + k), EventType.CLICK, 1f);
        producer.send(
            new ProducerRecord<>(
                config.clicksTopic(), Topic.key(user), Topics.CLICKS.codec().encode(click)));
      }
      producer.flush();
    }
    return keys;
  }
}

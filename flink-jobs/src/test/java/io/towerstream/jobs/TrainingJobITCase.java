package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.towerstream.jobs.sinks.KafkaSinks;
import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole job on a Flink MiniCluster against a real in-process Kafka broker: Avro clicks in;
 * embeddings, status and dead letters out.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang must fail the build, not stall CI
class TrainingJobITCase {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingJobITCase.class);
  private static final int USERS = 50;
  private static final int ITEMS = 80;
  private static final int VALID_CLICKS = 3_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void trainsOnEveryValidClickAndPublishesEveryRowAndEveryBadRecord() throws Exception {
    runAndCheck(DeliveryGuarantee.AT_LEAST_ONCE, "alo", 1);
  }

  @Test
  void exactlyOnceSinksPublishOnCheckpointsForReadCommittedReaders() throws Exception {
    assumeTrue(
        KafkaSinks.transactionsSupported(),
        "flink-connector-kafka 5.0.0-2.2's transactional sink cannot run on this kafka-clients version");
    runAndCheck(DeliveryGuarantee.EXACTLY_ONCE, "eos", 1);
  }

  /**
   * Two trainer subtasks: each user on one, every item on both. An item clicked only by one
   * subtask's users but owned (published) by the other reaches the embeddings topic only through
   * the sync topic's deltas.
   */
  @Test
  void twoTrainerSubtasksShardUsersAndKeepTheirItemReplicasInStep() throws Exception {
    runAndCheck(DeliveryGuarantee.AT_LEAST_ONCE, "p2", 2);
  }

  private void runAndCheck(DeliveryGuarantee delivery, String prefix, int trainers)
      throws Exception {
    JobConfig config =
        JobConfig.builder()
            .bootstrapServers(KAFKA.bootstrapServers())
            .clicksTopic(prefix + ".clicks")
            .dlqTopic(prefix + ".clicks.dlq")
            .embeddingsTopic(prefix + ".embeddings")
            .statusTopic(prefix + ".trainer-status")
            .syncTopic(prefix + ".model-sync")
            .trainerParallelism(trainers)
            .groupId(prefix + "-trainer")
            .transactionalIdPrefix(prefix + "-trainer")
            .startingOffsets(StartingOffsets.EARLIEST)
            .sourceParallelism(2)
            .delivery(delivery)
            .publishIntervalMs(200)
            .checkpointIntervalMs(500)
            .model(
                ModelConfig.builder()
                    .dim(16)
                    .batchSize(64)
                    .reservoirCapacity(1_000)
                    .reservoirNegatives(16)
                    .build())
            .build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    Set<String> expectedKeys =
        ClickTraffic.produce(
            config.bootstrapServers(), config.clicksTopic(), USERS, ITEMS, VALID_CLICKS);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    long started = System.nanoTime();
    JobClient client = env.executeAsync(job.name());
    try {
      ClickTraffic.Outputs out =
          ClickTraffic.consumeUntilDone(
              config, expectedKeys, VALID_CLICKS, ITEMS, Duration.ofSeconds(90));
      double seconds = (System.nanoTime() - started) / 1e9;
      LOG.info(
          "[{}, {} trainers] all {} valid clicks trained and published {} s after submission ({} events/s end to end); "
              + "{} embedding updates, {} status records",
          delivery,
          trainers,
          VALID_CLICKS,
          String.format("%.1f", seconds),
          Math.round(VALID_CLICKS / seconds),
          out.updates,
          out.statuses.size());

      assertThat(out.latestVectors.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
      assertThat(out.latestVectors.values())
          .allSatisfy(
              u -> {
                assertThat(u.getVector()).hasSize(16);
                assertThat(u.getModelVersion()).isEqualTo(config.modelVersion());
              });
      TrainerStatus last = out.statuses.get(out.statuses.size() - 1);
      assertThat(last.getEventsTrained()).isEqualTo(VALID_CLICKS);
      assertThat(last.getUsers()).isEqualTo(USERS);
      assertThat(last.getItems()).isEqualTo(ITEMS);
      assertThat(last.getTrainers()).isEqualTo(trainers);
      assertThat(out.statuses)
          .extracting(TrainerStatus::getSequence)
          .isSorted()
          .doesNotHaveDuplicates();
      assertThat(out.deadLetters).hasSize(2);
      assertThat(out.deadLetters)
          .extracting(DeadLetter::getReason)
          .anySatisfy(r -> assertThat(r).contains("not Avro single-object encoded"))
          .anySatisfy(r -> assertThat(r).isEqualTo("missing itemId"));
      assertThat(out.deadLetters)
          .allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(config.clicksTopic()));
    } finally {
      client.cancel().get();
    }
  }
}

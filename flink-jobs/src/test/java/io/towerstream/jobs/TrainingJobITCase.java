package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.towerstream.jobs.sinks.KafkaSinks;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole job on a Flink MiniCluster against a real in-process Kafka broker: Avro clicks in; embeddings,
 * status and dead letters out.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang must fail the build, not stall CI
class TrainingJobITCase {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingJobITCase.class);
  private static final int USERS = 50;
  private static final int ITEMS = 80;
  private static final int VALID_CLICKS = 3_000;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  private static EmbeddedKafkaBroker kafka;

  @BeforeAll
  static void startKafka() {
    kafka = EmbeddedKafkaBroker.temporary().start();
  }

  @AfterAll
  static void stopKafka() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void trainsOnEveryValidClickAndPublishesEveryRowAndEveryBadRecord() throws Exception {
    runAndCheck(DeliveryGuarantee.AT_LEAST_ONCE, "alo", 1);
  }

  @Test
  void exactlyOnceSinksPublishOnCheckpointsForReadCommittedReaders() throws Exception {
    assumeTrue(KafkaSinks.transactionsSupported(),
        "flink-connector-kafka 5.0.0-2.2's transactional sink cannot run on this kafka-clients version");
    runAndCheck(DeliveryGuarantee.EXACTLY_ONCE, "eos", 1);
  }

  /**
   * Two trainer subtasks: each user on one, every item on both. An item clicked only by one subtask's users but
   * owned (published) by the other reaches the embeddings topic only through the sync topic's deltas.
   */
  @Test
  void twoTrainerSubtasksShardUsersAndKeepTheirItemReplicasInStep() throws Exception {
    runAndCheck(DeliveryGuarantee.AT_LEAST_ONCE, "p2", 2);
  }

  private void runAndCheck(DeliveryGuarantee delivery, String prefix, int trainers) throws Exception {
    JobConfig config = JobConfig.builder()
        .bootstrapServers(kafka.bootstrapServers())
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
        .model(ModelConfig.builder().dim(16).batchSize(64).reservoirCapacity(1_000).reservoirNegatives(16).build())
        .build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    Set<String> expectedKeys = produceClicks(config);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    long started = System.nanoTime();
    JobClient client = env.executeAsync(job.name());
    try {
      Outputs out = consumeUntilDone(config, expectedKeys, Duration.ofSeconds(90));
      double seconds = (System.nanoTime() - started) / 1e9;
      LOG.info("[{}, {} trainers] all {} valid clicks trained and published {} s after submission ({} events/s end to end); "
          + "{} embedding updates, {} status records", delivery, trainers, VALID_CLICKS, String.format("%.1f", seconds),
          Math.round(VALID_CLICKS / seconds), out.updates, out.statuses.size());

      assertThat(out.latestVectors.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
      assertThat(out.latestVectors.values()).allSatisfy(u -> {
        assertThat(u.getVector()).hasSize(16);
        assertThat(u.getModelVersion()).isEqualTo(config.modelVersion());
      });
      TrainerStatus last = out.statuses.get(out.statuses.size() - 1);
      assertThat(last.getEventsTrained()).isEqualTo(VALID_CLICKS);
      assertThat(last.getUsers()).isEqualTo(USERS);
      assertThat(last.getItems()).isEqualTo(ITEMS);
      assertThat(last.getTrainers()).isEqualTo(trainers);
      assertThat(out.statuses).extracting(TrainerStatus::getSequence).isSorted().doesNotHaveDuplicates();
      assertThat(out.deadLetters).hasSize(2);
      assertThat(out.deadLetters).extracting(DeadLetter::getReason)
          .anySatisfy(r -> assertThat(r).contains("not Avro single-object encoded"))
          .anySatisfy(r -> assertThat(r).isEqualTo("missing itemId"));
      assertThat(out.deadLetters).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo(config.clicksTopic()));
    } finally {
      client.cancel().get();
    }
  }

  /** Produces the clicks, one garbage record and one click without item id; returns the keys to expect. */
  private static Set<String> produceClicks(JobConfig config) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Not idempotent: on a loaded 2-core machine a timed-out batch made the idempotent 4.2 client restart its
    // sequence at 0 and retry OUT_OF_ORDER_SEQUENCE_NUMBER forever. One request in flight keeps the order.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Set<String> keys = new HashSet<>();
    Random random = new Random(7);
    long t0 = 1_700_000_000_000L;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int k = 0; k < VALID_CLICKS; k++) {
        // the first ITEMS events touch every user and item; then popularity is skewed like real clicks
        String user = "u" + (k < ITEMS ? k % USERS : random.nextInt(USERS));
        String item = "i" + (k < ITEMS ? k : (int) (ITEMS * Math.pow(random.nextDouble(), 2)));
        keys.add(Topics.embeddingKey(Entity.USER, user));
        keys.add(Topics.embeddingKey(Entity.ITEM, item));
        ClickEvent click = new ClickEvent(user, item, Instant.ofEpochMilli(t0 + k * 10L), EventType.CLICK, 1f);
        producer.send(new ProducerRecord<>(config.clicksTopic(), Topic.key(user), Topics.CLICKS.codec().encode(click)));
        if (k == VALID_CLICKS / 3) {
          producer.send(new ProducerRecord<>(config.clicksTopic(), Topic.key("garbage"),
              "this is not an Avro record".getBytes(StandardCharsets.UTF_8)));
        }
        if (k == 2 * VALID_CLICKS / 3) {
          ClickEvent noItem = new ClickEvent("u1", "", Instant.ofEpochMilli(t0), EventType.CLICK, 1f);
          producer.send(new ProducerRecord<>(config.clicksTopic(), Topic.key("u1"),
              Topics.CLICKS.codec().encode(noItem)));
        }
      }
      producer.flush();
    }
    return keys;
  }

  private static final class Outputs {
    final Map<String, EmbeddingUpdate> latestVectors = new HashMap<>();
    final List<TrainerStatus> statuses = new ArrayList<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    long updates;

    boolean done(Set<String> expectedKeys) {
      return deadLetters.size() >= 2
          && latestVectors.keySet().containsAll(expectedKeys)
          && !statuses.isEmpty() && statuses.get(statuses.size() - 1).getEventsTrained() >= VALID_CLICKS
          && statuses.get(statuses.size() - 1).getItems() >= ITEMS;
    }
  }

  private static Outputs consumeUntilDone(JobConfig config, Set<String> expectedKeys, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-itcase-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Outputs out = new Outputs();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(config.embeddingsTopic(), config.statusTopic(), config.dlqTopic()));
      while (!out.done(expectedKeys)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out: " + out.latestVectors.size() + "/" + expectedKeys.size()
              + " embedding keys, " + out.deadLetters.size() + " dead letters, last status "
              + (out.statuses.isEmpty() ? "none" : out.statuses.get(out.statuses.size() - 1)));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.embeddingsTopic())) {
            EmbeddingUpdate update = Topics.EMBEDDINGS.codec().decode(record.value());
            assertThat(Topic.key(record.key())).isEqualTo(Topics.embeddingKey(update.getEntity(), update.getId()));
            out.latestVectors.put(Topic.key(record.key()), update);
            out.updates++;
          } else if (record.topic().equals(config.statusTopic())) {
            out.statuses.add(Topics.TRAINER_STATUS.codec().decode(record.value()));
          } else {
            out.deadLetters.add(Topics.CLICKS_DLQ.codec().decode(record.value()));
          }
        }
      }
    }
    return out;
  }
}

package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sinks.ModelDeltaRecordSerializer;
import io.towerstream.jobs.sync.ModelDeltas;
import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ModelDelta;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Poison on the internal sync topic: deltas from a sibling of the running job whose dense part has
 * another size, or whose change is not a number, produced to the real topic. The job allows no
 * restart, so a trainer that threw would fail it: it must keep running, count the refused deltas,
 * dead-letter each once with the reason, and apply the sibling's next, valid delta.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PoisonDeltaITCase {
  private static final InMemoryReporter METRICS = InMemoryReporter.create();
  private static final long SIBLING = 777;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(METRICS.addToConfiguration(new Configuration()))
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void refusedDeltasAreDeadLetteredAndTheJobTrainsOnWithoutARestart() throws Exception {
    JobConfig config =
        KAFKA
            .smallJob("poison")
            .trainerParallelism(2)
            .restartAttempts(0)
            .syncIntervalMs(50)
            .build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    ClickTraffic.produce(config.bootstrapServers(), config.clicksTopic(), 20, 30, 600);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(config)) {
      // a sibling of this run: the generation of the deltas the trainers send each other
      consumer.subscribe(List.of(config.syncTopic()));
      ModelDelta real = firstRecord(consumer, Duration.ofSeconds(90));
      SyncLedger sibling = SyncLedger.fresh(SIBLING, real.getGeneration());
      float[] nan = change();
      nan[3] = Float.NaN;
      List<ModelDelta> sent =
          List.of(
              record(
                  new ReplicaDelta(16, ids("poison-dense"), change(), new float[3], 0, 0), sibling),
              record(new ReplicaDelta(16, ids("poison-nan"), nan, null, 0, 0), sibling),
              record(new ReplicaDelta(16, ids("synced"), change(), null, 0, 0), sibling));
      produce(config, sent);

      consumer.unsubscribe();
      consumer.subscribe(List.of(config.embeddingsTopic(), config.dlqTopic()));
      Outputs out = consumeUntil(consumer, config, Duration.ofSeconds(90));

      assertThat(client.getJobStatus().get(10, TimeUnit.SECONDS))
          .as("no trainer threw")
          .isEqualTo(JobStatus.RUNNING);
      assertThat(out.embeddingKeys)
          .as("nothing of a refused delta is published")
          .doesNotContain(
              Topics.embeddingKey(Entity.ITEM, "poison-dense"),
              Topics.embeddingKey(Entity.ITEM, "poison-nan"));
      assertThat(out.syncLetters).as("each once").hasSize(2);
      assertThat(out.syncLetters.get(0).getReason())
          .startsWith("model delta 777/1 of subtask 1 refused: replica delta has 3 dense values");
      assertThat(out.syncLetters.get(1).getReason())
          .isEqualTo(
              "model delta 777/2 of subtask 1 refused: non-finite weight or bias change of item"
                  + " 'poison-nan': NaN at 3");
      for (int k = 0; k < 2; k++) {
        DeadLetter letter = out.syncLetters.get(k);
        assertThat(letter.getSourceTopic()).isEqualTo(config.syncTopic());
        assertThat(Topic.key(letter.getKey().array())).isEqualTo("777");
        assertThat(Topics.MODEL_SYNC.codec().decode(letter.getValue().array()))
            .isEqualTo(sent.get(k));
      }
      assertThat(rejectedCount())
          .as("deltasRejected: both refused by both trainer subtasks")
          .isEqualTo(4);
    } finally {
      if (!client.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
        client.cancel().get(); // a failed job would hide why the test failed
      }
    }
  }

  private static String[] ids(String id) {
    return new String[] {id};
  }

  /** One item's change: a small step of its first weight, no prior clicks. */
  private static float[] change() {
    float[] values = new float[ReplicaDelta.stride(16)];
    values[0] = 0.25f;
    values[17] = Float.NEGATIVE_INFINITY;
    return values;
  }

  private static ModelDelta record(ReplicaDelta delta, SyncLedger sender) {
    return ModelDeltas.toRecords(delta, sender, 1, 1, Instant.now()).get(0);
  }

  /** As the sync sink writes them. */
  private static void produce(JobConfig config, List<ModelDelta> deltas) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    ModelDeltaRecordSerializer serializer = new ModelDeltaRecordSerializer(config.syncTopic());
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ModelDelta delta : deltas) {
        producer.send(serializer.serialize(delta, null, null));
      }
      producer.flush();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumer(JobConfig config) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-itcase-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  private static ModelDelta firstRecord(KafkaConsumer<byte[], byte[]> consumer, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        return Topics.MODEL_SYNC.codec().decode(r.value());
      }
    }
    throw new AssertionError("no delta on the sync topic within " + timeout);
  }

  private static final class Outputs {
    final Set<String> embeddingKeys = new HashSet<>();
    final List<DeadLetter> syncLetters = new ArrayList<>();
  }

  /**
   * Reads until the valid delta's item is published and both refused deltas are dead-lettered, then
   * a few seconds more for any letter written twice.
   */
  private static Outputs consumeUntil(
      KafkaConsumer<byte[], byte[]> consumer, JobConfig config, Duration timeout) {
    Outputs out = new Outputs();
    String synced = Topics.embeddingKey(Entity.ITEM, "synced");
    long deadline = System.nanoTime() + timeout.toNanos();
    long settled = Long.MAX_VALUE;
    while (System.nanoTime() < settled) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out: "
                + (out.embeddingKeys.contains(synced)
                    ? ""
                    : "the valid delta's item not published, ")
                + "sync dead letters "
                + out.syncLetters);
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        if (r.topic().equals(config.embeddingsTopic())) {
          out.embeddingKeys.add(Topic.key(r.key()));
        } else {
          DeadLetter letter = Topics.CLICKS_DLQ.codec().decode(r.value());
          if (letter.getSourceTopic().equals(config.syncTopic())) {
            out.syncLetters.add(letter);
          }
        }
      }
      if (settled == Long.MAX_VALUE
          && out.embeddingKeys.contains(synced)
          && out.syncLetters.size() >= 2) {
        settled = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      }
    }
    return out;
  }

  /** The trainer subtasks' {@code deltasRejected} counters, summed. */
  private static long rejectedCount() {
    return METRICS.getMetricsByGroup().values().stream()
        .map(metrics -> metrics.get("deltasRejected"))
        .filter(m -> m instanceof Counter)
        .mapToLong(m -> ((Counter) m).getCount())
        .sum();
  }
}

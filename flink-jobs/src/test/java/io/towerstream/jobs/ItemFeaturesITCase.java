package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ItemFeatures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Side features through the whole job: a catalogue on the item-features topic beside the clicks, a
 * catalogue item nobody clicks published all the same (cold start), and malformed catalogue records
 * on the dead-letter topic with their reasons.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ItemFeaturesITCase {
  private static final String COLD_ITEM = "cold-1";

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void aCatalogueItemNobodyClickedIsPublishedAndMalformedFeaturesAreDeadLettered()
      throws Exception {
    JobConfig config = KAFKA.smallJob("feat").build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    produceCatalogue(config.bootstrapServers(), config.itemFeaturesTopic());
    Set<String> clicked =
        ClickTraffic.produce(config.bootstrapServers(), config.clicksTopic(), 20, 30, 600);
    String coldKey = Topics.embeddingKey(Entity.ITEM, COLD_ITEM);
    assertThat(clicked).doesNotContain(coldKey);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    try {
      Outputs out = consume(config, coldKey, Duration.ofSeconds(90));

      assertThat(out.latest.get(coldKey).getVector())
          .hasSize(16)
          .allSatisfy(v -> assertThat(Float.isFinite(v)).isTrue());
      assertThat(out.latest.keySet()).contains(Topics.embeddingKey(Entity.ITEM, "i0"));
      assertThat(out.featureDeadLetters)
          .extracting(DeadLetter::getReason)
          .hasSize(2)
          .anySatisfy(r -> assertThat(r).startsWith("not Avro single-object encoded"))
          .contains("key 'i1' is not the record's itemId 'i2'");
    } finally {
      client.cancel().get();
    }
  }

  /** Features for two clicked items and one never clicked, then a garbage and a misfiled record. */
  private static void produceCatalogue(String bootstrap, String topic) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (ItemFeatures f :
          List.of(
              features("i0", List.of("Comedy"), 1995),
              features("i1", List.of("Drama", "Romance"), 1997),
              features(COLD_ITEM, List.of("Comedy", "Romance"), 1996))) {
        producer.send(
            new ProducerRecord<>(
                topic, Topic.key(f.getItemId()), Topics.ITEM_FEATURES.codec().encode(f)));
      }
      producer.send(
          new ProducerRecord<>(
              topic, Topic.key("i3"), "no Avro here".getBytes(StandardCharsets.UTF_8)));
      producer.send(
          new ProducerRecord<>(
              topic,
              Topic.key("i1"),
              Topics.ITEM_FEATURES.codec().encode(features("i2", List.of("War"), 1980))));
      producer.flush();
    }
  }

  private static ItemFeatures features(String id, List<String> genres, int year) {
    return ItemFeatures.newBuilder()
        .setItemId(id)
        .setCategories(genres)
        .setNumeric(Map.of("year", (double) year))
        .setUpdatedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  private static final class Outputs {
    final Map<String, EmbeddingUpdate> latest = new HashMap<>();
    final List<DeadLetter> featureDeadLetters = new ArrayList<>();
  }

  /** Reads embeddings and dead letters until the cold item is out and both bad records are. */
  private static Outputs consume(JobConfig config, String coldKey, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-itcase-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Outputs out = new Outputs();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(config.embeddingsTopic(), config.dlqTopic()));
      while (!out.latest.containsKey(coldKey) || out.featureDeadLetters.size() < 2) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "timed out: "
                  + out.latest.size()
                  + " embedding keys, "
                  + (out.latest.containsKey(coldKey) ? "" : "not ")
                  + "the cold item; item-feature dead letters "
                  + out.featureDeadLetters);
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(config.embeddingsTopic())) {
            out.latest.put(Topic.key(r.key()), Topics.EMBEDDINGS.codec().decode(r.value()));
          } else {
            DeadLetter letter = Topics.CLICKS_DLQ.codec().decode(r.value());
            if (letter.getSourceTopic().equals(config.itemFeaturesTopic())) {
              out.featureDeadLetters.add(letter);
            }
          }
        }
      }
    }
    return out;
  }
}

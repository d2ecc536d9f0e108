package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
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

/**
 * A team's own JSON topics through the whole job: clicks with their own field names (one nested),
 * ISO-8601 times and a lower-case event type, and a JSON catalogue, train and publish embeddings as
 * Avro ones do; JSON that is malformed, repeats a key, has trailing content, a field of the wrong
 * type, lacks a field or has a non-finite weight lands in the dead-letter topic, whole and with its
 * reason, and training goes on.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JsonClicksITCase {
  private static final ClickJson CLICKS =
      new ClickJson("user_id", "/item/id", "ts", EventTimeFormat.ISO_8601, "action", "weight");
  private static final ItemFeaturesJson ITEMS = new ItemFeaturesJson("sku", "genres", "", "attrs");
  private static final String COLD_ITEM = "cold-1";
  private static final int VALID_CLICKS = 600;
  private static final int ITEMS_CLICKED = 30;

  /** Bad JSON clicks and the reason each must be dead-lettered with. */
  private static final Map<String, String> BAD_CLICKS =
      Map.of(
          "{\"user_id\":\"u1\",\"user_id\":\"u2\",\"item\":{\"id\":\"i1\"},\"ts\":\"2023-11-14T22:13:20Z\"}",
          "Duplicate field 'user_id'",
          "{\"user_id\":\"u1\",\"item\":{\"id\":\"i1\"},\"ts\":\"2023-11-14T22:13:20Z\"} {}",
          "not valid JSON: content after the JSON object",
          "{\"user_id\":\"u1\",\"item\":{\"id\":true},\"ts\":\"2023-11-14T22:13:20Z\"}",
          "/item/id must be a string or an integer, was true",
          "{\"user_id\":\"u1\",\"ts\":\"2023-11-14T22:13:20Z\"}",
          "missing field /item/id",
          "{\"user_id\":\"u1\",\"item\":{\"id\":\"i1\"},\"ts\":\"2023-11-14T22:13:20Z\",\"weight\":1e400}",
          "weight must be a finite number within float range",
          "{\"user_id\":\"u1\",\"item\":{\"id\":\"i1\"},\"ts\":1700000000}",
          "ts must be an ISO-8601 string (iso-8601), was 1700000000");

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void aJsonClickTopicTrainsEndToEndAndBadJsonIsDeadLetteredWithItsReason() throws Exception {
    JobConfig config =
        KAFKA
            .smallJob("json")
            .clicksFormat(ValueFormat.JSON)
            .clicksJson(CLICKS)
            .itemFeaturesFormat(ValueFormat.JSON)
            .itemFeaturesJson(ITEMS)
            .build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    produce(config.itemFeaturesTopic(), catalogue());
    // the shared traffic, written as JSON: its garbage record and its click without an item id
    // are two more dead letters
    Set<String> expected =
        new HashSet<>(
            ClickTraffic.produce(
                config.bootstrapServers(),
                config.clicksTopic(),
                20,
                ITEMS_CLICKED,
                VALID_CLICKS,
                CLICKS::encode));
    produce(
        config.clicksTopic(), BAD_CLICKS.keySet().stream().map(JsonClicksITCase::utf8).toList());
    String coldKey = Topics.embeddingKey(Entity.ITEM, COLD_ITEM);
    expected.add(coldKey);

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(1);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    try {
      int deadLetters = 2 + BAD_CLICKS.size() + 1; // + the bad catalogue record
      ClickTraffic.Outputs out =
          ClickTraffic.consumeUntilDone(
              config, expected, VALID_CLICKS, ITEMS_CLICKED, deadLetters, Duration.ofSeconds(120));

      assertThat(out.latestVectors.keySet()).containsAll(expected);
      assertThat(out.latestVectors.get(coldKey).getVector())
          .hasSize(16)
          .allSatisfy(v -> assertThat(Float.isFinite(v)).isTrue());
      assertThat(out.lastStatus().getEventsTrained()).isEqualTo(VALID_CLICKS);

      List<DeadLetter> clickLetters =
          out.deadLetters.stream()
              .filter(d -> d.getSourceTopic().equals(config.clicksTopic()))
              .toList();
      assertThat(clickLetters).hasSize(2 + BAD_CLICKS.size());
      for (Map.Entry<String, String> bad : BAD_CLICKS.entrySet()) {
        assertThat(clickLetters)
            .as(bad.getKey())
            .anySatisfy(
                d -> {
                  assertThat(new String(bytes(d), StandardCharsets.UTF_8)).isEqualTo(bad.getKey());
                  assertThat(d.getReason()).contains(bad.getValue());
                });
      }
      assertThat(clickLetters)
          .extracting(DeadLetter::getReason)
          .contains("missing itemId")
          .anySatisfy(r -> assertThat(r).startsWith("not valid JSON"));
      assertThat(out.deadLetters)
          .filteredOn(d -> d.getSourceTopic().equals(config.itemFeaturesTopic()))
          .extracting(DeadLetter::getReason)
          .containsExactly("genres[0] must be a string, was 7");
    } finally {
      client.cancel().get();
    }
  }

  /** Two clicked items and one nobody clicks, then a record with a category that is a number. */
  private static List<byte[]> catalogue() {
    Instant at = Instant.ofEpochMilli(1_700_000_000_000L);
    List<byte[]> out = new java.util.ArrayList<>();
    for (String id : List.of("i0", "i1", COLD_ITEM)) {
      out.add(
          ITEMS.encode(
              ItemFeatures.newBuilder()
                  .setItemId(id)
                  .setCategories(List.of("Comedy"))
                  .setNumeric(Map.of("year", 1995.0))
                  .setUpdatedAt(at)
                  .build()));
    }
    out.add(utf8("{\"sku\":\"i2\",\"genres\":[7]}"));
    return out;
  }

  /** Sends each value keyed as the trainer expects: a catalogue record by its item id. */
  private static void produce(String topic, List<byte[]> values) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (byte[] value : values) {
        String text = new String(value, StandardCharsets.UTF_8);
        String key = text.startsWith("{\"sku\":\"") ? text.split("\"")[3] : "u1";
        producer.send(new ProducerRecord<>(topic, Topic.key(key), value));
      }
      producer.flush();
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(DeadLetter d) {
    byte[] out = new byte[d.getValue().remaining()];
    d.getValue().duplicate().get(out);
    return out;
  }
}

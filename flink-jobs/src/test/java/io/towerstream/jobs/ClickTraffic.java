package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
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
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The integration tests' traffic: seeded Avro clicks with two bad records among them into the
 * clicks topic, and everything the job publishes read back until it has trained and published all
 * of it.
 */
public final class ClickTraffic {
  private ClickTraffic() {}

  /**
   * Produces the clicks, one garbage record and one click without item id; returns the keys to
   * expect.
   */
  public static Set<String> produce(
      String bootstrapServers, String topic, int users, int items, int validClicks) {
    return produce(
        bootstrapServers, topic, users, items, validClicks, Topics.CLICKS.codec()::encode);
  }

  /** {@link #produce} with each click's value written by {@code encoder}. */
  public static Set<String> produce(
      String bootstrapServers,
      String topic,
      int users,
      int items,
      int validClicks,
      Function<ClickEvent, byte[]> encoder) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    // Not idempotent: on a loaded 2-core machine a timed-out batch made the idempotent 4.2 client
    // restart its sequence at 0 and retry OUT_OF_ORDER_SEQUENCE_NUMBER forever. One request in
    // flight keeps the order.
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Set<String> keys = new HashSet<>();
    Random random = new Random(7);
    long t0 = 1_700_000_000_000L;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int k = 0; k < validClicks; k++) {
        // the first ITEMS events touch every user and item; then popularity is skewed like real
        // clicks
        String user = "u" + (k < items ? k % users : random.nextInt(users));
        String item = "i" + (k < items ? k : (int) (items * Math.pow(random.nextDouble(), 2)));
        keys.add(Topics.embeddingKey(Entity.USER, user));
        keys.add(Topics.embeddingKey(Entity.ITEM, item));
        ClickEvent click =
            new ClickEvent(user, item, Instant.ofEpochMilli(t0 + k * 10L), EventType.CLICK, 1f);
        producer.send(new ProducerRecord<>(topic, Topic.key(user), encoder.apply(click)));
        if (k == validClicks / 3) {
          producer.send(
              new ProducerRecord<>(
                  topic,
                  Topic.key("garbage"),
                  "this is not an Avro record".getBytes(StandardCharsets.UTF_8)));
        }
        if (k == 2 * validClicks / 3) {
          ClickEvent noItem =
              new ClickEvent("u1", "", Instant.ofEpochMilli(t0), EventType.CLICK, 1f);
          producer.send(new ProducerRecord<>(topic, Topic.key("u1"), encoder.apply(noItem)));
        }
      }
      producer.flush();
    }
    return keys;
  }

  /** Everything read back: the latest update per key, every status and every dead letter. */
  public static final class Outputs {
    public final Map<String, EmbeddingUpdate> latestVectors = new HashMap<>();
    public final List<TrainerStatus> statuses = new ArrayList<>();
    public final List<DeadLetter> deadLetters = new ArrayList<>();
    public long updates;

    boolean done(Set<String> expectedKeys, int validClicks, int items, int expectedDeadLetters) {
      return deadLetters.size() >= expectedDeadLetters
          && latestVectors.keySet().containsAll(expectedKeys)
          && !statuses.isEmpty()
          && statuses.get(statuses.size() - 1).getEventsTrained() >= validClicks
          && statuses.get(statuses.size() - 1).getItems() >= items;
    }

    public TrainerStatus lastStatus() {
      return statuses.get(statuses.size() - 1);
    }
  }

  /**
   * Reads (read_committed) until every key is published, all clicks trained and both bad records
   * dead-lettered.
   */
  public static Outputs consumeUntilDone(
      JobConfig config, Set<String> expectedKeys, int validClicks, int items, Duration timeout) {
    return consumeUntilDone(config, expectedKeys, validClicks, items, 2, timeout);
  }

  /** {@link #consumeUntilDone}, waiting for {@code expectedDeadLetters} dead letters. */
  public static Outputs consumeUntilDone(
      JobConfig config,
      Set<String> expectedKeys,
      int validClicks,
      int items,
      int expectedDeadLetters,
      Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId() + "-itcase-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Outputs out = new Outputs();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(
          List.of(config.embeddingsTopic(), config.statusTopic(), config.dlqTopic()));
      while (!out.done(expectedKeys, validClicks, items, expectedDeadLetters)) {
        if (System.nanoTime() > deadline) {
          Set<String> missing = new java.util.TreeSet<>(expectedKeys);
          missing.removeAll(out.latestVectors.keySet());
          throw new AssertionError(
              "timed out: "
                  + out.latestVectors.size()
                  + "/"
                  + expectedKeys.size()
                  + " embedding keys (missing "
                  + missing.stream().limit(20).toList()
                  + "), "
                  + out.deadLetters.size()
                  + " dead letters, last status "
                  + (out.statuses.isEmpty() ? "none" : out.statuses.get(out.statuses.size() - 1)));
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.embeddingsTopic())) {
            EmbeddingUpdate update = Topics.EMBEDDINGS.codec().decode(record.value());
            assertThat(Topic.key(record.key()))
                .isEqualTo(Topics.embeddingKey(update.getEntity(), update.getId()));
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

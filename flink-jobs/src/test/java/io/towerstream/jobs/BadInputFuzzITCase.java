package io.towerstream.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sources.StartingOffsets;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.ByteBuffer;
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
 * 10,000 records of hostile input (random bytes, mutated and truncated encodings, unknown schema
 * fingerprints, empty and 10 KB ids, control characters, NaN / negative / huge weights, event times
 * before 1970 and far ahead, empty and null values) among valid clicks, through the real job and a
 * real broker. The job must keep training, and every record must be accounted for: trained, or in
 * the dead-letter topic with a reason, never both, never lost. Records built to be bad must be dead
 * letters; mutated ones may happen to still be valid clicks.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class BadInputFuzzITCase {
  private static final int RECORDS = 10_000;
  private static final long T0 = 1_700_000_000_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** What the generator meant a record to be. */
  private enum Kind {
    VALID,
    BAD,
    MUTATED
  }

  @Test
  void everyHostileRecordIsDeadLetteredWithAReasonAndTrainingGoesOn() throws Exception {
    JobConfig config =
        JobConfig.builder()
            .bootstrapServers(KAFKA.bootstrapServers())
            .clicksTopic("fuzz.clicks")
            .dlqTopic("fuzz.clicks.dlq")
            .embeddingsTopic("fuzz.embeddings")
            .statusTopic("fuzz.trainer-status")
            .syncTopic("fuzz.model-sync")
            .groupId("fuzz-trainer")
            .transactionalIdPrefix("fuzz-trainer")
            .startingOffsets(StartingOffsets.EARLIEST)
            .sourceParallelism(2)
            .publishIntervalMs(200)
            .checkpointIntervalMs(1000)
            .model(
                ModelConfig.builder()
                    .dim(8)
                    .batchSize(32)
                    .reservoirCapacity(500)
                    .reservoirNegatives(8)
                    .build())
            .build();
    TopicProvisioner.ensureTopics(config.bootstrapServers(), config.topicNames(), 2, (short) 1);
    Map<Kind, Integer> produced = produce(config.clicksTopic(), new Random(2026));

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    TrainingJob job = new TrainingJob(config);
    job.configure(env);
    job.buildWithKafka(env);
    JobClient client = env.executeAsync(job.name());
    try {
      Accounting seen = consume(config, RECORDS, Duration.ofSeconds(120));
      assertThat(seen.trained + seen.deadLetters.size())
          .as("trained + dead-lettered = produced")
          .isEqualTo(RECORDS);
      assertThat(seen.deadLetters).allSatisfy(d -> assertThat(d.getReason()).isNotBlank());
      Set<String> places = new HashSet<>();
      for (DeadLetter d : seen.deadLetters) {
        assertThat(places.add(d.getPartition() + "/" + d.getOffset()))
            .as("one dead letter per record")
            .isTrue();
      }
      int bad = produced.get(Kind.BAD);
      assertThat(seen.deadLetters.size())
          .as("at least every record built bad")
          .isBetween(bad, bad + produced.get(Kind.MUTATED));
      assertThat(seen.trained)
          .as("at least every valid click")
          .isGreaterThanOrEqualTo(produced.get(Kind.VALID));
      assertThat(client.getJobStatus().get().isGloballyTerminalState())
          .as("the job still runs")
          .isFalse();
      Map<String, Integer> byReason = new HashMap<>();
      seen.deadLetters.forEach(
          d -> byReason.merge(d.getReason().replaceAll("[-0-9].*", "…"), 1, Integer::sum));
      System.out.println(
          "fuzz: produced "
              + produced
              + "; trained "
              + seen.trained
              + ", dead letters "
              + seen.deadLetters.size()
              + " "
              + byReason);
      List<String> reasons = seen.deadLetters.stream().map(DeadLetter::getReason).toList();
      assertThat(reasons)
          .as("every kind of problem was met")
          .anySatisfy(r -> assertThat(r).contains("not Avro single-object encoded"))
          .anySatisfy(r -> assertThat(r).contains("fingerprint"))
          .anySatisfy(r -> assertThat(r).contains("validation.max-id-length"))
          .anySatisfy(r -> assertThat(r).contains("control character"))
          .anySatisfy(r -> assertThat(r).contains("weight"))
          .anySatisfy(r -> assertThat(r).contains("before 1970"))
          .anySatisfy(r -> assertThat(r).contains("ahead of the job's clock"))
          .anySatisfy(r -> assertThat(r).startsWith("missing"))
          .anySatisfy(r -> assertThat(r).contains("null value"));
    } finally {
      client.cancel().get();
    }
  }

  private static Map<Kind, Integer> produce(String topic, Random random) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false"); // see ClickTraffic
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<Kind, Integer> counts = new HashMap<>(Map.of(Kind.VALID, 0, Kind.BAD, 0, Kind.MUTATED, 0));
    long future = System.currentTimeMillis() + 3L * 24 * 3600 * 1000;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (int k = 0; k < RECORDS; k++) {
        ClickEvent good =
            new ClickEvent(
                "u" + random.nextInt(200),
                "i" + random.nextInt(100),
                Instant.ofEpochMilli(T0 + k),
                EventType.CLICK,
                1f);
        Kind kind = Kind.BAD;
        byte[] value;
        switch (k % 14) {
          case 0, 1, 2, 3, 4 -> {
            kind = Kind.VALID;
            value = encode(good);
          }
          case 5 -> value = randomBytes(random, random.nextInt(200));
          case 6 -> { // a single-object header with a fingerprint no schema has
            byte[] body = encode(good);
            ByteBuffer.wrap(body, 2, 8).putLong(random.nextLong());
            value = body;
          }
          case 7 -> value = random.nextBoolean() ? new byte[0] : null; // empty, or a tombstone
          case 8 ->
              value =
                  encode(
                      withIds(
                          good, random.nextBoolean() ? "" : "u".repeat(10_240), good.getItemId()));
          case 9 -> value = encode(withIds(good, good.getUserId(), "i\u0007" + random.nextInt(10)));
          case 10 ->
              value =
                  encode(
                      withWeight(
                          good,
                          new float[] {Float.NaN, -1f, 0f, 1e30f, Float.POSITIVE_INFINITY}
                              [random.nextInt(5)]));
          case 11 -> value = encode(withTime(good, random.nextBoolean() ? -86_400_000L : future));
          case 12 -> { // truncated
            byte[] full = encode(good);
            value = java.util.Arrays.copyOf(full, random.nextInt(full.length));
          }
          default -> { // a few bytes of the body flipped: may still decode as some valid click
            kind = Kind.MUTATED;
            value = encode(good);
            for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
              int at = 10 + random.nextInt(value.length - 10);
              value[at] = (byte) random.nextInt(256);
            }
          }
        }
        counts.merge(kind, 1, Integer::sum);
        byte[] key = random.nextInt(20) == 0 ? null : Topic.key(good.getUserId());
        producer.send(new ProducerRecord<>(topic, key, value));
      }
      producer.flush();
    }
    return counts;
  }

  /**
   * Reads the status and dead-letter topics until trained + dead-lettered reaches {@code total}.
   */
  private static Accounting consume(JobConfig config, int total, Duration timeout) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "fuzz-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Accounting out = new Accounting();
    long deadline = System.nanoTime() + timeout.toNanos();
    long settledSince = -1;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      consumer.subscribe(List.of(config.statusTopic(), config.dlqTopic()));
      while (true) {
        if (out.trained + out.deadLetters.size() >= total) {
          // keep reading two more publish intervals: a duplicate or an overshoot must show too
          if (settledSince < 0) {
            settledSince = System.nanoTime();
          } else if (System.nanoTime() - settledSince > Duration.ofMillis(1500).toNanos()) {
            return out;
          }
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "timed out: "
                  + out.trained
                  + " trained + "
                  + out.deadLetters.size()
                  + " dead letters of "
                  + total);
        }
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.statusTopic())) {
            TrainerStatus s = Topics.TRAINER_STATUS.codec().decode(record.value());
            out.trained = Math.max(out.trained, s.getEventsTrained());
          } else {
            out.deadLetters.add(Topics.CLICKS_DLQ.codec().decode(record.value()));
          }
        }
      }
    }
  }

  private static final class Accounting {
    long trained;
    final List<DeadLetter> deadLetters = new ArrayList<>();
  }

  private static byte[] encode(ClickEvent click) {
    return Topics.CLICKS.codec().encode(click);
  }

  private static ClickEvent withIds(ClickEvent c, String user, String item) {
    return new ClickEvent(user, item, c.getEventTime(), c.getEventType(), c.getWeight());
  }

  private static ClickEvent withWeight(ClickEvent c, float weight) {
    return new ClickEvent(c.getUserId(), c.getItemId(), c.getEventTime(), c.getEventType(), weight);
  }

  private static ClickEvent withTime(ClickEvent c, long millis) {
    return new ClickEvent(
        c.getUserId(),
        c.getItemId(),
        Instant.ofEpochMilli(millis),
        c.getEventType(),
        c.getWeight());
  }

  private static byte[] randomBytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }
}

package io.towerstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoredVector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store as a real child process ({@link StoreMain}), killed with SIGKILL in the middle of
 * consuming a large topic of superseding and out-of-order updates, then restarted on the same
 * directory: its final contents must equal the latest value of every key in the topic (highest
 * model version, then sequence), with nothing lost and nothing stale, and its stored offsets must
 * be the ends of the partitions.
 */
class StoreCrashITCase {
  private static final int KEYS = 20_000;
  private static final int UPDATES = 200_000;
  private static final int DIM = 8;

  private final List<StoreProcess> children = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void killChildren() {
    children.forEach(StoreProcess::close);
  }

  @Test
  void killedMidwayAndRestartedItEndsWithExactlyTheLatestValueOfEveryKey() throws Exception {
    Map<String, StoredVector> latest = new HashMap<>();
    long expectedApplied;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicNames.defaults(), 3, (short) 1);
      expectedApplied = produce(broker.bootstrapServers(), latest);
      Path db = dir.resolve("db");

      StoreProcess first = startStore(broker.bootstrapServers(), db, dir.resolve("first.log"));
      long appliedAtKill =
          awaitAppliedBetween(first, expectedApplied / 10, expectedApplied * 9 / 10);
      first.close(); // SIGKILL: no shutdown hook, no RocksDB close
      assertThat(first.process().waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(appliedAtKill).isBetween(expectedApplied / 10, expectedApplied * 9 / 10);

      StoreProcess second = startStore(broker.bootstrapServers(), db, dir.resolve("second.log"));
      second.awaitReady(Duration.ofSeconds(90));
      JsonNode status = second.getJson("/v1/status");
      assertThat(status.get("consumerLag").asLong()).isZero();
      assertThat(status.get("itemsEmbedded").asLong() + status.get("usersEmbedded").asLong())
          .isEqualTo(latest.size());
      assertThat(status.get("updatesApplied").asLong())
          .as("the second run applies only what the first had not")
          .isLessThan(expectedApplied);
      Map<TopicPartition, Long> ends =
          StoreProcess.embeddingsEndOffsets(broker.bootstrapServers(), 3);

      second.stop(); // SIGTERM: a clean close, so the test can open the directory

      try (EmbeddingStore store = EmbeddingStore.open(db)) {
        Map<String, StoredVector> stored = new HashMap<>();
        store.forEach(Entity.USER, (id, v) -> stored.put("USER:" + id, v));
        store.forEach(Entity.ITEM, (id, v) -> stored.put("ITEM:" + id, v));
        assertThat(stored.keySet()).isEqualTo(latest.keySet());
        List<String> wrong = new ArrayList<>();
        latest.forEach(
            (key, expected) -> {
              if (!expected.equals(stored.get(key))) {
                wrong.add(key + ": expected " + expected + ", stored " + stored.get(key));
              }
            });
        assertThat(wrong).as("keys whose stored value is not the topic's latest").isEmpty();
        Map<TopicPartition, Long> offsets = store.lastOffsets();
        ends.forEach((tp, end) -> assertThat(offsets.get(tp)).as(tp.toString()).isEqualTo(end - 1));
      }
    }
  }

  /**
   * Writes {@link #UPDATES} updates over {@link #KEYS} keys: sequences mostly increasing with local
   * shuffles (out of order), model version 2 from 60% on with some late version-1 records. Fills
   * {@code latest} with each key's winner and returns how many records a from-scratch consumer
   * applies.
   */
  private static long produce(String bootstrapServers, Map<String, StoredVector> latest) {
    Random random = new Random(2026);
    long[] sequences = new long[UPDATES];
    for (int i = 0; i < UPDATES; i++) {
      sequences[i] = i;
    }
    for (int i = 1;
        i < UPDATES;
        i++) { // local shuffles: a fifth of the records swap with a recent one
      if (random.nextInt(5) == 0) {
        int j = Math.max(0, i - 1 - random.nextInt(200));
        long t = sequences[i];
        sequences[i] = sequences[j];
        sequences[j] = t;
      }
    }
    long applied = 0;
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            20,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < UPDATES; i++) {
        int key = random.nextInt(KEYS);
        Entity entity = key % 5 == 0 ? Entity.USER : Entity.ITEM;
        String id = (entity == Entity.USER ? "u" : "i") + key;
        long version = i < UPDATES * 6 / 10 || random.nextInt(50) == 0 ? 1 : 2;
        float[] vector = TestRecords.unitVector(random, DIM);
        StoredVector value =
            new StoredVector(version, sequences[i], TestRecords.T0 + sequences[i], vector);
        String topicKey = Topics.embeddingKey(entity, id);
        StoredVector current = latest.get(topicKey);
        if (current == null || value.supersedes(current)) {
          latest.put(topicKey, value);
          applied++;
        }
        byte[] bytes =
            Topics.EMBEDDINGS
                .codec()
                .encode(TestRecords.update(entity, id, vector, version, sequences[i]));
        producer.send(
            new ProducerRecord<>(Topics.EMBEDDINGS.defaultName(), Topic.key(topicKey), bytes));
      }
      producer.flush();
    }
    return applied;
  }

  private StoreProcess startStore(String bootstrapServers, Path db, Path log) throws Exception {
    StoreProcess p =
        StoreProcess.start(
            bootstrapServers, db, log, "--max-poll-records", "500", "--poll-timeout-ms", "50");
    children.add(p);
    return p;
  }

  /** Polls {@code /v1/status} until updatesApplied is in [low, high]; returns the value seen. */
  private static long awaitAppliedBetween(StoreProcess store, long low, long high)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    long applied = 0;
    while (System.nanoTime() < deadline) {
      applied = store.getJson("/v1/status").get("updatesApplied").asLong();
      if (applied >= low) {
        return applied;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(
        "updatesApplied never reached " + low + " (last " + applied + ", high " + high + ")");
  }
}

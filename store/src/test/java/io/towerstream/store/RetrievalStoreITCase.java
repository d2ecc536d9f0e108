package io.towerstream.store;

import static io.towerstream.store.TestRecords.dot;
import static io.towerstream.store.TestRecords.trainerStatus;
import static io.towerstream.store.TestRecords.unitVector;
import static io.towerstream.store.TestRecords.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.query.StoreStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole store against a real in-process broker: consume, serve, restart, resume. */
class RetrievalStoreITCase {
  private static final int DIM = 16;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Random random = new Random(99);
  private final Map<String, float[]> items = new LinkedHashMap<>();
  private final Map<String, float[]> users = new LinkedHashMap<>();
  private final Map<String, Float> biases = new LinkedHashMap<>();

  private static EmbeddedKafkaBroker broker;

  @TempDir Path dbPath;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.temporary().start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void consumesAndServesThenResumesFromStoredOffsetsWithTheIndexRebuiltFromRocksDb()
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicNames.defaults(), 2, (short) 1);
      StoreConfig config =
          StoreConfig.builder()
              .bootstrapServers(broker.bootstrapServers())
              .dbPath(dbPath)
              .httpHost("127.0.0.1")
              .httpPort(0)
              .pollTimeout(Duration.ofMillis(100))
              .build();

      // 20 items and 4 users, then item-0 superseded, a stale replay of its first version, a
      // malformed record
      for (int i = 0; i < 20; i++) {
        sendVector(producer, Entity.ITEM, "item-" + i, 1, 1);
      }
      for (int u = 0; u < 4; u++) {
        sendVector(producer, Entity.USER, "user-" + u, 1, 1);
      }
      float[] firstItem0 = items.get("item-0");
      sendVector(producer, Entity.ITEM, "item-0", 1, 2);
      send(
          producer,
          Topics.EMBEDDINGS.defaultName(),
          "ITEM:item-0",
          Topics.EMBEDDINGS.codec().encode(update(Entity.ITEM, "item-0", firstItem0, 1, 1)));
      send(producer, Topics.EMBEDDINGS.defaultName(), "ITEM:broken", new byte[] {0x7b, 0x7d});
      send(
          producer,
          Topics.TRAINER_STATUS.defaultName(),
          "1",
          Topics.TRAINER_STATUS.codec().encode(trainerStatus(1, 2, 4321, 1.5)));
      producer.flush();

      try (RetrievalStore store = RetrievalStore.open(config).start()) {
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        StoreStatus status = store.status();
        assertThat(status.updatesApplied()).isEqualTo(25);
        assertThat(status.staleIgnored()).isEqualTo(1);
        assertThat(status.malformedUpdates()).isEqualTo(1);
        assertThat(status.itemsEmbedded()).isEqualTo(20);
        assertThat(status.usersEmbedded()).isEqualTo(4);
        assertThat(status.eventsTrained()).isEqualTo(4321);
        assertThat(status.consumerLag()).isZero();

        JsonNode statusJson = get(store, "/v1/status");
        assertThat(statusJson.get("eventsTrained").asLong()).isEqualTo(4321);
        assertThat(statusJson.get("malformedUpdates").asLong()).isEqualTo(1);
        assertThat(statusJson.at("/prequential/towerstream/hitRate10").asDouble()).isEqualTo(0.25);
        assertThat(statusJson.at("/prequential/towerstream/events").asLong()).isEqualTo(500);
        assertThat(get(store, "/v1/embeddings/item/item-0").get("sequence").asLong()).isEqualTo(2);
        assertCandidatesAreExact(store, "user-0");
      }

      // while the store is down: three new items and a new vector for user-0
      for (int i = 20; i < 23; i++) {
        sendVector(producer, Entity.ITEM, "item-" + i, 1, 3);
      }
      sendVector(producer, Entity.USER, "user-0", 1, 5);
      producer.flush();

      try (RetrievalStore store = RetrievalStore.open(config)) {
        assertThat(store.status().itemsIndexed())
            .as("rebuilt from RocksDB before consuming")
            .isEqualTo(20);
        store.start();
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        StoreStatus status = store.status();
        assertThat(status.updatesApplied()).as("only the records produced while down").isEqualTo(4);
        assertThat(status.staleIgnored()).isZero();
        assertThat(status.malformedUpdates()).isZero();
        assertThat(status.itemsIndexed()).isEqualTo(23);
        assertThat(status.itemsEmbedded()).isEqualTo(23);
        assertThat(status.eventsTrained()).isEqualTo(4321);
        assertCandidatesAreExact(store, "user-0");
        assertThat(get(store, "/v1/embeddings/user/user-0").get("sequence").asLong()).isEqualTo(5);

        // the trainer republishes user-0's worst item, same vector, with a bias that makes it the
        // best
        List<String> byDot = ids(get(store, "/v1/users/user-0/candidates?k=23&bias=false"));
        String worst = byDot.get(byDot.size() - 1);
        float[] vector = items.get(worst);
        biases.put(worst, 3f);
        send(
            producer,
            Topics.EMBEDDINGS.defaultName(),
            "ITEM:" + worst,
            Topics.EMBEDDINGS
                .codec()
                .encode(withBias(update(Entity.ITEM, worst, vector, 1, 6), 3f)));
        producer.flush();
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        JsonNode top = get(store, "/v1/users/user-0/candidates?k=5").get("candidates").get(0);
        assertThat(top.get("itemId").asText()).isEqualTo(worst);
        assertThat(top.get("bias").floatValue()).isEqualTo(3f);
        assertThat(top.get("score").floatValue())
            .isCloseTo(dot(users.get("user-0"), vector) + 3f, within(1e-5f));
        assertCandidatesAreExact(store, "user-0");
        assertThat(ids(get(store, "/v1/users/user-0/candidates?k=23&bias=false")))
            .as("the dot alone: unchanged")
            .isEqualTo(byDot);
        assertThat(get(store, "/v1/embeddings/item/" + worst).get("bias").floatValue())
            .isEqualTo(3f);
      }

      try (RetrievalStore store = RetrievalStore.open(config)) {
        // the bias was stored with the vector (value format version 1) and the index rebuilt with
        // it
        assertThat(
                store
                    .service()
                    .candidatesForUser("user-0", 1, java.util.Set.of())
                    .candidates()
                    .get(0)
                    .bias())
            .isEqualTo(3f);
      }
    }
  }

  private static EmbeddingUpdate withBias(EmbeddingUpdate update, float bias) {
    update.setBias(bias);
    return update;
  }

  private static List<String> ids(JsonNode result) {
    List<String> ids = new ArrayList<>();
    result.get("candidates").forEach(c -> ids.add(c.get("itemId").asText()));
    return ids;
  }

  @Test
  void waitsForTopicsThatDoNotExistYetAndReadsConfiguredTopicNames() throws Exception {
    TopicNames names =
        new TopicNames(
            "late-clicks",
            "late-clicks.dlq",
            "late-embeddings",
            "late-embeddings.dlq",
            "late-status",
            "late-sync",
            "late-item-features");
    StoreConfig config =
        StoreConfig.builder()
            .bootstrapServers(broker.bootstrapServers())
            .dbPath(dbPath)
            .embeddingsTopic(names.embeddings())
            .trainerStatusTopic(names.trainerStatus())
            .httpHost("127.0.0.1")
            .httpPort(0)
            .pollTimeout(Duration.ofMillis(100))
            .build();
    try (RetrievalStore store = RetrievalStore.open(config).start();
        KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
      assertThat(store.isCaughtUp()).isFalse();
      HttpResponse<String> notReady =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + store.port() + "/ready"))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(notReady.statusCode()).isEqualTo(503);

      TopicProvisioner.ensureTopics(broker.bootstrapServers(), names, 3, (short) 1);
      for (int i = 0; i < 10; i++) {
        sendVector(producer, Entity.ITEM, "item-" + i, 1, 1, names.embeddings());
      }
      sendVector(producer, Entity.USER, "user-0", 1, 1, names.embeddings());
      producer.flush();

      assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(store.status().updatesApplied()).isEqualTo(11);
      assertThat(store.isCaughtUp()).isTrue();
      assertThat(store.status().ingestFailures()).isZero();
      assertCandidatesAreExact(store, "user-0");
    }
  }

  @Test
  void aRestoredSnapshotHasTheSameContentsAndOffsetsAndResumesConsuming(@TempDir Path backups)
      throws Exception {
    TopicNames names =
        new TopicNames(
            "snap-clicks",
            "snap-clicks.dlq",
            "snap-embeddings",
            "snap-embeddings.dlq",
            "snap-status",
            "snap-sync",
            "snap-item-features");
    TopicProvisioner.ensureTopics(broker.bootstrapServers(), names, 2, (short) 1);
    StoreConfig config =
        StoreConfig.builder()
            .bootstrapServers(broker.bootstrapServers())
            .dbPath(dbPath.resolve("a"))
            .embeddingsTopic(names.embeddings())
            .trainerStatusTopic(names.trainerStatus())
            .httpHost("127.0.0.1")
            .httpPort(0)
            .pollTimeout(Duration.ofMillis(100))
            .build();
    Path snapshot = backups.resolve("snap");
    try (KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
      for (int i = 0; i < 30; i++) {
        sendVector(producer, Entity.ITEM, "item-" + i, 1, 1, names.embeddings());
      }
      for (int u = 0; u < 3; u++) {
        sendVector(producer, Entity.USER, "user-" + u, 1, 1, names.embeddings());
      }
      producer.flush();
      try (RetrievalStore store = RetrievalStore.open(config).start()) {
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        RetrievalStore.Snapshot taken = store.snapshot(snapshot);
        assertThat(taken.items()).isEqualTo(30);
        assertThat(taken.users()).isEqualTo(3);
        // consumed by the original after the snapshot: not in it
        for (int i = 30; i < 35; i++) {
          sendVector(producer, Entity.ITEM, "item-" + i, 1, 1, names.embeddings());
        }
        producer.flush();
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(store.status().itemsEmbedded()).isEqualTo(35);
      }
    }

    Path restored = dbPath.resolve("b");
    Map<org.apache.kafka.common.TopicPartition, Long> offsets =
        RetrievalStore.restoreSnapshot(snapshot, restored);
    long recordsCovered =
        offsets.entrySet().stream()
            .filter(e -> e.getKey().topic().equals(names.embeddings()))
            .mapToLong(e -> e.getValue() + 1)
            .sum();
    assertThat(recordsCovered)
        .as("the snapshot's offsets cover exactly the 33 records consumed before it")
        .isEqualTo(33);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> RetrievalStore.restoreSnapshot(snapshot, restored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not empty");

    try (RetrievalStore copy = RetrievalStore.open(config.toBuilder().dbPath(restored).build())) {
      assertThat(copy.status().itemsEmbedded()).isEqualTo(30);
      assertThat(copy.status().itemsIndexed()).isEqualTo(30);
      copy.start();
      assertThat(copy.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
      assertThat(copy.status().updatesApplied())
          .as("resumes after the snapshot's offsets")
          .isEqualTo(5);
      assertThat(copy.status().itemsEmbedded()).isEqualTo(35);
      assertCandidatesAreExact(copy, "user-1");
    }
  }

  /** The top 5 by dot product + bias (0 for items published without one). */
  private void assertCandidatesAreExact(RetrievalStore store, String userId) throws Exception {
    float[] user = users.get(userId);
    List<String> expected =
        items.entrySet().stream()
            .sorted(
                Comparator.comparing(
                    (Map.Entry<String, float[]> e) ->
                        -(dot(user, e.getValue()) + biases.getOrDefault(e.getKey(), 0f))))
            .map(Map.Entry::getKey)
            .limit(5)
            .toList();
    JsonNode body = get(store, "/v1/users/" + userId + "/candidates?k=5");
    List<String> actual = new ArrayList<>();
    body.get("candidates").forEach(c -> actual.add(c.get("itemId").asText()));
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  private void sendVector(
      KafkaProducer<byte[], byte[]> producer,
      Entity entity,
      String id,
      long version,
      long sequence) {
    sendVector(producer, entity, id, version, sequence, Topics.EMBEDDINGS.defaultName());
  }

  private void sendVector(
      KafkaProducer<byte[], byte[]> producer,
      Entity entity,
      String id,
      long version,
      long sequence,
      String topic) {
    float[] v = unitVector(random, DIM);
    (entity == Entity.USER ? users : items).put(id, v);
    EmbeddingUpdate update = update(entity, id, v, version, sequence);
    send(
        producer, topic, Topics.embeddingKey(entity, id), Topics.EMBEDDINGS.codec().encode(update));
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
    producer.send(new ProducerRecord<>(topic, Topic.key(key), value));
  }

  private JsonNode get(RetrievalStore store, String path) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + store.port() + path))
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return json.readTree(response.body());
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.LINGER_MS_CONFIG,
            5);
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }
}

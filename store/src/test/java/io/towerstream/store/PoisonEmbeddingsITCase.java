package io.towerstream.store;

import static io.towerstream.store.TestRecords.unitVector;
import static io.towerstream.store.TestRecords.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.query.RetrievalService.VectorCandidates;
import io.towerstream.store.query.StoreStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison on the real embeddings topic: an update of a model version far ahead of the store's, and
 * vectors of another dimension, with a NaN, empty. Each is refused, counted, and lands on the
 * dead-letter topic whole with its reason; the store keeps consuming, the poisoned key takes its
 * later update, and a bare-vector query still answers from the real model version.
 */
class PoisonEmbeddingsITCase {
  private static final int DIM = 8;
  private static EmbeddedKafkaBroker broker;

  private final Random random = new Random(17);
  @TempDir Path dbPath;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.temporary().start();
    TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicNames.defaults(), 2, (short) 1);
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void poisonUpdatesAreDeadLetteredAndTheStoreAppliesWhatFollows() throws Exception {
    Map<RecordMetadata, String> poison = new LinkedHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer = producer()) {
      for (int i = 0; i < 10; i++) {
        send(producer, update(Entity.ITEM, "item-" + i, unitVector(random, DIM), 1, 1));
      }
      poison.put(
          send(producer, update(Entity.ITEM, "item-0", unitVector(random, DIM), Long.MAX_VALUE, 1)),
          "model version 9223372036854775807 for ITEM:item-0 lies more than 1000000 above the"
              + " highest the store has applied (1; see --max-model-version-lead)");
      poison.put(
          send(producer, update(Entity.ITEM, "item-1", new float[] {1, 0, 0}, 1, 2)),
          "vector of dimension 3 for ITEM:item-1, the store's is 8");
      float[] nan = unitVector(random, DIM);
      nan[5] = Float.NaN;
      poison.put(
          send(producer, update(Entity.ITEM, "item-2", nan, 1, 2)),
          "non-finite value NaN at index 5 for ITEM:item-2");
      poison.put(
          send(producer, update(Entity.ITEM, "item-3", new float[0], 1, 2)),
          "empty vector for ITEM:item-3");
      send(producer, update(Entity.ITEM, "item-0", unitVector(random, DIM), 1, 2));
      producer.flush();

      try (RetrievalStore store = RetrievalStore.open(config()).start()) {
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        StoreStatus status = store.status();
        assertThat(status.malformedUpdates()).isEqualTo(4);
        assertThat(status.deadLetters()).isEqualTo(4);
        assertThat(status.ingestFailures()).isZero();
        assertThat(status.itemsEmbedded()).isEqualTo(10);
        assertThat(store.service().embedding(Entity.ITEM, "item-0").sequence())
            .as("the poisoned key took its later update")
            .isEqualTo(2);
        VectorCandidates bare =
            store.service().candidatesForVector(unitVector(random, DIM), 20, Set.of(), null);
        assertThat(bare.modelVersion()).isEqualTo(1);
        assertThat(bare.candidates()).hasSize(10);
        assertThat(statusJson(store)).contains("\"malformedUpdates\":4", "\"deadLetters\":4");

        List<ConsumerRecord<byte[], byte[]>> letters = deadLetters(4);
        assertThat(letters)
            .extracting(r -> Topics.EMBEDDINGS_DLQ.codec().decode(r.value()).getReason())
            .containsExactlyInAnyOrderElementsOf(poison.values());
        assertThat(letters)
            .allSatisfy(
                r -> {
                  DeadLetter letter = Topics.EMBEDDINGS_DLQ.codec().decode(r.value());
                  RecordMetadata at =
                      poison.keySet().stream()
                          .filter(
                              m ->
                                  m.partition() == letter.getPartition()
                                      && m.offset() == letter.getOffset())
                          .findFirst()
                          .orElseThrow();
                  assertThat(letter.getSourceTopic()).isEqualTo(Topics.EMBEDDINGS.defaultName());
                  assertThat(letter.getReason()).isEqualTo(poison.get(at));
                  assertThat(r.key()).isEqualTo(letter.getKey().array());
                  EmbeddingUpdate original =
                      Topics.EMBEDDINGS.codec().decode(letter.getValue().array());
                  assertThat(Topic.key(r.key()))
                      .isEqualTo(Topics.embeddingKey(original.getEntity(), original.getId()));
                });

        // and it goes on consuming
        send(producer, update(Entity.ITEM, "item-10", unitVector(random, DIM), 1, 3));
        producer.flush();
        assertThat(store.awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
        assertThat(store.status().itemsEmbedded()).isEqualTo(11);
      }
    }
  }

  private StoreConfig config() {
    return StoreConfig.builder()
        .bootstrapServers(broker.bootstrapServers())
        .dbPath(dbPath)
        .httpPort(0)
        .pollTimeout(Duration.ofMillis(100))
        .build();
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, EmbeddingUpdate u)
      throws Exception {
    return producer
        .send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS.defaultName(),
                Topic.key(Topics.embeddingKey(u.getEntity(), u.getId())),
                Topics.EMBEDDINGS.codec().encode(u)))
        .get();
  }

  /** Reads the dead-letter topic from the start until {@code n} letters arrived. */
  private static List<ConsumerRecord<byte[], byte[]>> deadLetters(int n) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "poison-itcase-reader");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(Topics.EMBEDDINGS_DLQ.defaultName()));
      while (out.size() < n && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  private static String statusJson(RetrievalStore store) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + store.port() + "/v1/status"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return response.body();
  }
}

package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline in one JVM with real pieces only: an in-process broker, the training job on a
 * Flink MiniCluster and a RocksDB-backed store. Clicks go in; every user and item comes out on
 * `embeddings` as an Avro update; the store answers over HTTP.
 */
class PipelineITCase {

  @Test
  void clicksBecomeEmbeddingsOnKafkaAndCandidatesOverHttp(@TempDir Path dir) throws Exception {
    List<ClickRecord> clicks = new ArrayList<>();
    Set<String> users = new HashSet<>();
    Set<String> items = new HashSet<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 5_000; i++) {
      String user = "user-" + random.nextInt(120);
      String item =
          "item-" + (random.nextInt(10) < 8 ? random.nextInt(40) : 40 + random.nextInt(60));
      users.add(user);
      items.add(item);
      clicks.add(new ClickRecord(user, item, 1_700_000_000_000L + i * 1000L, i + 1));
    }

    try (DemoStack stack =
        DemoStack.start(dir, 0, "127.0.0.1", 0, 0, List.of("--publish.interval-ms", "500"))) {
      ClickRuns.replayAndAwait(stack, clicks);

      Map<String, EmbeddingUpdate> latest = readEmbeddings(stack.bootstrapServers());
      Set<String> expectedKeys = new HashSet<>();
      users.forEach(u -> expectedKeys.add("USER:" + u));
      items.forEach(i -> expectedKeys.add("ITEM:" + i));
      assertThat(latest.keySet()).containsExactlyInAnyOrderElementsOf(expectedKeys);
      for (EmbeddingUpdate update : latest.values()) {
        assertThat(update.getVector()).hasSize(ModelConfig.builder().build().dim());
        double norm = update.getVector().stream().mapToDouble(v -> v * v).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
      }

      String url = "http://127.0.0.1:" + stack.store().port();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(url + "/v1/users/user-1/candidates?k=10"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode body = new ObjectMapper().readTree(response.body());
      assertThat(body.path("candidates")).hasSize(10);
      assertThat(body.path("candidates").get(0).path("itemId").asText()).startsWith("item-");
    }
  }

  /** Reads the whole `embeddings` topic, keeping the last update per key. */
  private static Map<String, EmbeddingUpdate> readEmbeddings(String bootstrap) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    Map<String, EmbeddingUpdate> latest = new java.util.HashMap<>();
    try (KafkaConsumer<String, EmbeddingUpdate> consumer =
        new KafkaConsumer<>(
            config, new StringDeserializer(), Topics.EMBEDDINGS.valueDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(Topics.EMBEDDINGS.defaultName()).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, EmbeddingUpdate> r : consumer.poll(Duration.ofMillis(200))) {
          latest.put(r.key(), r.value());
        }
      }
    }
    return latest;
  }
}

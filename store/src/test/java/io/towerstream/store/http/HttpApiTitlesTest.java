package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.query.ItemTitles;
import io.towerstream.store.query.Readiness;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Titles beside item ids, and a user's recent items, as the dashboard shows them; over real
 * RocksDB.
 */
class HttpApiTitlesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();

  @Test
  void candidatesAndAUsersRecentItemsCarryTheTitlesOfTheItemFile(@TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("titles.csv"), "id,title\n1,Toy Story (1995)\n2,\"Heat, \"\"1995\"\"\"\n");
    Map<String, String> titles = ItemTitles.read(file);
    try (EmbeddingStore store = EmbeddingStore.open(dir.resolve("db"))) {
      ExactItemIndex index = new ExactItemIndex();
      IngestMetrics metrics = new IngestMetrics();
      new BatchApplier(store, index, metrics)
          .apply(
              new StoreBatch(
                  List.of(
                      EmbeddingMutation.upsert(
                          Entity.ITEM,
                          "1",
                          new StoredVector(1, 1, 1, new float[] {1, 0}, 0.5f),
                          null),
                      EmbeddingMutation.upsert(
                          Entity.ITEM,
                          "2",
                          new StoredVector(1, 1, 1, new float[] {0.6f, 0.8f}),
                          null),
                      EmbeddingMutation.upsert(
                          Entity.ITEM, "3", new StoredVector(1, 1, 1, new float[] {0, 1}), null),
                      EmbeddingMutation.upsert(
                          Entity.USER,
                          "u",
                          new StoredVector(1, 2, 1, new float[] {1, 0}, 0f, List.of("3", "1")),
                          null)),
                  null,
                  Map.of()));
      try (HttpApi api =
          HttpApi.start(
              new RetrievalService(store, index),
              new StatusReporter(store, index, metrics),
              "127.0.0.1",
              0,
              () -> Readiness.CAUGHT_UP,
              HttpApi.Extras.NONE.withItemTitles(titles))) {
        String base = "http://127.0.0.1:" + api.port();
        JsonNode candidates = get(base + "/v1/users/u/candidates?k=3").get("candidates");
        assertThat(candidates).hasSize(3);
        assertThat(candidates.get(0).get("itemId").asText()).isEqualTo("1");
        assertThat(candidates.get(0).get("title").asText()).isEqualTo("Toy Story (1995)");
        assertThat(candidates.get(0).get("bias").floatValue()).isEqualTo(0.5f);
        assertThat(candidates.get(1).get("title").asText()).isEqualTo("Heat, \"1995\"");
        assertThat(candidates.get(2).has("title")).as("item 3 has no title").isFalse();

        JsonNode user = get(base + "/v1/embeddings/user/u");
        assertThat(user.get("recentItems")).hasSize(2);
        assertThat(user.get("recentItems").get(0).get("itemId").asText()).isEqualTo("3");
        assertThat(user.get("recentItems").get(0).has("title")).isFalse();
        assertThat(user.get("recentItems").get(1).get("title").asText())
            .isEqualTo("Toy Story (1995)");
        assertThat(user.has("bias")).isFalse();
        JsonNode item = get(base + "/v1/embeddings/item/1");
        assertThat(item.get("title").asText()).isEqualTo("Toy Story (1995)");
        assertThat(item.has("recentItems")).isFalse();
        JsonNode similar = get(base + "/v1/items/2/similar?k=2");
        assertThat(similar.get("title").asText()).isEqualTo("Heat, \"1995\"");
        assertThat(similar.get("candidates").get(0).has("itemId")).isTrue();
      }
    }
  }

  @Test
  void aMovieLensItemFileIsReadAsLatin1AndAFileWithoutTitlesIsRefused(@TempDir Path dir)
      throws Exception {
    Path uItem = dir.resolve("u.item");
    Files.write(
        uItem,
        "1|Toy Story (1995)|01-Jan-1995||http://x|0|0\n7|Caf\u00e9 (1996)|x\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThat(ItemTitles.read(uItem))
        .containsEntry("1", "Toy Story (1995)")
        .containsEntry("7", "Caf\u00e9 (1996)");
    Path empty = Files.writeString(dir.resolve("empty.csv"), "id,title\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ItemTitles.read(empty))
        .hasMessageContaining("no item titles");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> ItemTitles.read(dir.resolve("missing")))
        .hasMessageContaining("no such item file");
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }
}

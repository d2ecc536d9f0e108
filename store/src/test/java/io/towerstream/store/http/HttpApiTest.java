package io.towerstream.store.http;

import static io.towerstream.store.TestRecords.dot;
import static io.towerstream.store.TestRecords.trainerStatus;
import static io.towerstream.store.TestRecords.unitVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestMetrics;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API on a real server (free port) over a real RocksDB store fed directly, without Kafka. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {
  private static final int DIM = 8;
  private static final int ITEMS = 200;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, float[]> items = new LinkedHashMap<>();
  private final Map<String, float[]> users = new LinkedHashMap<>();
  private EmbeddingStore store;
  private HttpApi api;

  @BeforeAll
  void startServerOverSeededStore(@TempDir Path dir) {
    Random random = new Random(2024);
    List<EmbeddingMutation> mutations = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.put("item-" + i, unitVector(random, DIM));
      mutations.add(EmbeddingMutation.upsert(Entity.ITEM, "item-" + i, new StoredVector(3, 10, 1_000, items.get("item-" + i)), null));
    }
    mutations.add(EmbeddingMutation.upsert(Entity.USER, "émile b", new StoredVector(3, 1, 1, unitVector(random, DIM)), null));
    for (int u = 0; u < 5; u++) {
      users.put("user-" + u, unitVector(random, DIM));
      mutations.add(EmbeddingMutation.upsert(Entity.USER, "user-" + u, new StoredVector(3, 11 + u, 2_000 + u, users.get("user-" + u)), null));
    }
    store = EmbeddingStore.open(dir);
    IngestMetrics metrics = new IngestMetrics();
    ExactItemIndex index = new ExactItemIndex();
    new BatchApplier(store, index, metrics).apply(new StoreBatch(mutations, trainerStatus(3, 11, 5000, 0.75), Map.of()));
    StatusReporter status = new StatusReporter(store, index, metrics);
    status.addContributor(() -> Map.of("replayDone", true, "eventsReplayed", 42, "usersEmbedded", -7));
    status.addContributor(() -> {
      throw new IllegalStateException("a broken contributor");
    });
    api = HttpApi.start(new RetrievalService(store, index), status, "127.0.0.1", 0, () -> 0);
  }

  @AfterAll
  void stop() {
    api.close();
    store.close();
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(get("/health").statusCode()).isEqualTo(200);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void statusReportsTrainingStoreAndIngestFiguresPlusContributedFields() throws Exception {
    HttpResponse<String> r = get("/v1/status");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode s = json.readTree(r.body());
    assertThat(s.get("eventsTrained").asLong()).isEqualTo(5000);
    assertThat(s.get("usersEmbedded").asLong()).as("contributors never replace store fields").isEqualTo(6);
    assertThat(s.get("itemsEmbedded").asLong()).isEqualTo(ITEMS);
    assertThat(s.get("modelVersion").asLong()).isEqualTo(3);
    assertThat(s.get("loss").asDouble()).isEqualTo(0.75);
    assertThat(s.get("batches").asLong()).isEqualTo(500);
    assertThat(s.get("updatesApplied").asLong()).isEqualTo(ITEMS + 6);
    assertThat(s.get("staleIgnored").asLong()).isZero();
    assertThat(s.get("malformedUpdates").asLong()).isZero();
    assertThat(s.has("consumerLag")).isTrue();
    assertThat(s.get("newestUpdateAgeMs").asLong()).isPositive();
    assertThat(s.get("replayDone").asBoolean()).isTrue();
    assertThat(s.get("eventsReplayed").asLong()).isEqualTo(42);
  }

  @Test
  void userCandidatesAreTheBestDotProductsWithoutExcludedItems() throws Exception {
    float[] user = users.get("user-1");
    List<String> best = ranking(user, Set.of());
    String excluded = best.get(0) + "," + best.get(3);

    JsonNode body = ok(get("/v1/users/user-1/candidates?k=5&exclude=" + excluded));

    assertThat(body.get("userId").asText()).isEqualTo("user-1");
    assertThat(body.get("modelVersion").asLong()).isEqualTo(3);
    List<String> ids = new ArrayList<>();
    for (JsonNode c : body.get("candidates")) {
      ids.add(c.get("itemId").asText());
      assertThat(c.get("score").floatValue()).isCloseTo(dot(user, items.get(c.get("itemId").asText())), within(1e-5f));
    }
    assertThat(ids).containsExactlyElementsOf(ranking(user, Set.of(best.get(0), best.get(3))).subList(0, 5));
    assertThat(ok(get("/v1/users/user-1/candidates")).get("candidates")).hasSize(10); // default k
  }

  @Test
  void vectorCandidates() throws Exception {
    float[] query = users.get("user-2");
    String body = json.writeValueAsString(Map.of("vector", query, "k", 3, "exclude", List.of(ranking(query, Set.of()).get(0))));

    JsonNode result = ok(post("/v1/candidates", body));

    assertThat(result.get("candidates")).hasSize(3);
    assertThat(result.get("candidates").get(0).get("itemId").asText()).isEqualTo(ranking(query, Set.of()).get(1));
  }

  @Test
  void similarItemsNeverIncludeTheItemItself() throws Exception {
    JsonNode result = ok(get("/v1/items/item-7/similar?k=4"));
    List<String> ids = new ArrayList<>();
    result.get("candidates").forEach(c -> ids.add(c.get("itemId").asText()));
    assertThat(ids).containsExactlyElementsOf(ranking(items.get("item-7"), Set.of("item-7")).subList(0, 4));
  }

  @Test
  void embeddings() throws Exception {
    JsonNode item = ok(get("/v1/embeddings/item/item-3"));
    assertThat(item.get("entity").asText()).isEqualTo("ITEM");
    assertThat(item.get("id").asText()).isEqualTo("item-3");
    assertThat(item.get("vector")).hasSize(DIM);
    assertThat(item.get("vector").get(0).floatValue()).isEqualTo(items.get("item-3")[0]);
    assertThat(item.get("modelVersion").asLong()).isEqualTo(3);
    assertThat(item.get("sequence").asLong()).isEqualTo(10);
    assertThat(item.get("updatedAt").asLong()).isEqualTo(1_000);
    JsonNode user = ok(get("/v1/embeddings/USER/user-4"));
    assertThat(user.get("entity").asText()).isEqualTo("USER");
    assertThat(user.get("sequence").asLong()).isEqualTo(15);
  }

  @Test
  void idsArePercentDecoded() throws Exception {
    assertThat(ok(get("/v1/embeddings/user/%C3%A9mile%20b")).get("id").asText()).isEqualTo("émile b");
    assertThat(ok(get("/v1/users/%C3%A9mile%20b/candidates?k=2")).get("candidates")).hasSize(2);
  }

  @Test
  void unknownEntitiesAndRoutesAre404WithAnError() throws Exception {
    assertError(get("/v1/users/nobody/candidates"), 404, "unknown user 'nobody'");
    assertError(get("/v1/items/nothing/similar"), 404, "unknown item 'nothing'");
    assertError(get("/v1/embeddings/item/nothing"), 404, "unknown item");
    assertError(get("/v1/no-such-route"), 404, "");
  }

  @Test
  void badParametersAre400WithAClearMessage() throws Exception {
    assertError(get("/v1/users/user-1/candidates?k=0"), 400, "k must be an integer from 1 to 1000, got '0'");
    assertError(get("/v1/users/user-1/candidates?k=1001"), 400, "got '1001'");
    assertError(get("/v1/users/user-1/candidates?k=ten"), 400, "got 'ten'");
    assertError(get("/v1/items/item-1/similar?k=-3"), 400, "k must be");
    assertError(get("/v1/embeddings/order/1"), 400, "entity must be 'user' or 'item'");
  }

  @Test
  void badVectorQueriesAre400WithAClearMessage() throws Exception {
    assertError(post("/v1/candidates", "{\"vector\":[1,2"), 400, "malformed JSON");
    assertError(post("/v1/candidates", ""), 400, "JSON object");
    assertError(post("/v1/candidates", "[1,2]"), 400, "JSON object");
    assertError(post("/v1/candidates", "{\"k\":3}"), 400, "missing field 'vector'");
    assertError(post("/v1/candidates", "{\"vector\":[1,\"x\"]}"), 400, "element 1");
    assertError(post("/v1/candidates", "{\"vector\":[1,2,3]}"), 400, "dimension 3, item vectors have 8");
    String eight = "[1,0,0,0,0,0,0,0]";
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"k\":2.5}"), 400, "k must be");
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"k\":5000}"), 400, "k must be");
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"exclude\":\"a\"}"), 400, "'exclude' must be an array");
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"exclude\":[1]}"), 400, "only strings");
  }

  private List<String> ranking(float[] query, Set<String> exclude) {
    return items.entrySet().stream().filter(e -> !exclude.contains(e.getKey()))
        .sorted(Comparator.comparing((Map.Entry<String, float[]> e) -> -dot(query, e.getValue())))
        .map(Map.Entry::getKey).toList();
  }

  private JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return json.readTree(response.body());
  }

  private void assertError(HttpResponse<String> response, int status, String message) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).contains(message);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return client.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }
}

package io.towerstream.store.http;

import static io.towerstream.store.TestRecords.dot;
import static io.towerstream.store.TestRecords.trainerStatus;
import static io.towerstream.store.TestRecords.unitVector;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.metrics.StoreMetrics;
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

/**
 * The HTTP API on a real server (free port) over a real RocksDB store fed directly, without Kafka.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiTest {
  private static final int DIM = 8;
  private static final int ITEMS = 200;
  private static final int NEW_ITEMS = 20;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();
  private final Map<String, float[]> items = new LinkedHashMap<>();
  private final Map<String, float[]> users = new LinkedHashMap<>();
  private final Map<String, float[]> newItems = new LinkedHashMap<>();
  private final Map<String, Float> newItemBiases = new LinkedHashMap<>();
  private float[] userV4;
  private Path snapshots;
  private EmbeddingStore store;
  private HttpApi api;

  @BeforeAll
  void startServerOverSeededStore(@TempDir Path dir, @TempDir Path snapshotDir) {
    snapshots = snapshotDir;
    Random random = new Random(2024);
    List<EmbeddingMutation> mutations = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.put("item-" + i, unitVector(random, DIM));
      mutations.add(
          EmbeddingMutation.upsert(
              Entity.ITEM,
              "item-" + i,
              new StoredVector(3, 10, 1_000, items.get("item-" + i)),
              null));
    }
    mutations.add(
        EmbeddingMutation.upsert(
            Entity.USER, "émile b", new StoredVector(3, 1, 1, unitVector(random, DIM)), null));
    // a newer model generation: 20 items, with biases as wide as the dot products, and one user
    // already republished at version 4
    for (int i = 0; i < NEW_ITEMS; i++) {
      newItems.put("new-" + i, unitVector(random, DIM));
      newItemBiases.put("new-" + i, (float) random.nextGaussian() * 0.5f);
      mutations.add(
          EmbeddingMutation.upsert(
              Entity.ITEM,
              "new-" + i,
              new StoredVector(
                  4, 1, 3_000, newItems.get("new-" + i), newItemBiases.get("new-" + i)),
              null));
    }
    userV4 = unitVector(random, DIM);
    mutations.add(
        EmbeddingMutation.upsert(
            Entity.USER, "user-v4", new StoredVector(4, 1, 3_000, userV4), null));
    for (int u = 0; u < 5; u++) {
      users.put("user-" + u, unitVector(random, DIM));
      mutations.add(
          EmbeddingMutation.upsert(
              Entity.USER,
              "user-" + u,
              new StoredVector(3, 11 + u, 2_000 + u, users.get("user-" + u)),
              null));
    }
    store = EmbeddingStore.open(dir.resolve("db"));
    IngestMetrics metricsOfIngest = new IngestMetrics();
    ExactItemIndex index = new ExactItemIndex();
    new BatchApplier(store, index, metricsOfIngest)
        .apply(new StoreBatch(mutations, trainerStatus(3, 11, 5000, 0.75), Map.of()));
    StatusReporter status = new StatusReporter(store, index, metricsOfIngest);
    status.addContributor(
        () -> Map.of("replayDone", true, "eventsReplayed", 42, "usersEmbedded", -7));
    status.addContributor(
        () -> {
          throw new IllegalStateException("a broken contributor");
        });
    StoreMetrics metrics =
        new StoreMetrics(metricsOfIngest, index, store, status::newestUpdateAgeMs);
    api =
        HttpApi.start(
            new RetrievalService(store, index),
            status,
            "127.0.0.1",
            0,
            () -> Readiness.CAUGHT_UP,
            HttpApi.Extras.NONE
                .withMetrics(metrics)
                .withSnapshots(RetrievalStore.snapshotTaker(store), snapshots));
  }

  @AfterAll
  void stop() {
    api.close();
    store.close();
  }

  /**
   * The dashboard page and its assets ship in the jar: the page, its script and the charting
   * library.
   */
  @Test
  void theDashboardPageAndItsChartingLibraryAreServedFromTheJar() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("/dashboard/lib/uplot.js").contains("/dashboard/app.js");
    HttpResponse<String> lib = get("/dashboard/lib/uplot.js");
    assertThat(lib.statusCode()).isEqualTo(200);
    assertThat(lib.body()).contains("uPlot").hasSizeGreaterThan(20_000);
    assertThat(get("/dashboard/lib/uplot.css").statusCode()).isEqualTo(200);
    assertThat(get("/dashboard/app.js").body()).contains("/v1/status/history");
    JsonNode history = ok(get("/v1/status/history"));
    assertThat(history.get("intervalMs").asLong()).isEqualTo(2_000);
    assertThat(history.get("samples")).as("the first sample is taken at start").isNotEmpty();
    assertThat(history.get("samples").get(0).get("usersEmbedded").asLong()).isPositive();
    long at = history.get("samples").get(0).get("at").asLong();
    assertThat(ok(get("/v1/status/history?since=" + at)).get("samples"))
        .as("only later samples")
        .allSatisfy(sample -> assertThat(sample.get("at").asLong()).isGreaterThan(at));
    assertError(get("/v1/status/history?since=yesterday"), 400, "since");
    HttpResponse<String> escape =
        get("/dashboard/../../etc/passwd"); // Jetty refuses the ambiguous path
    assertThat(escape.statusCode()).isEqualTo(400);
    assertThat(escape.body()).doesNotContain("root:");
    assertThat(get("/dashboard/lib/../app.js").statusCode())
        .as("only the listed files")
        .isIn(400, 404);
    assertThat(get("/dashboard/secret.txt").body()).contains("\"error\"");
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
    assertThat(s.get("usersEmbedded").asLong())
        .as("contributors never replace store fields")
        .isEqualTo(7);
    assertThat(s.get("itemsEmbedded").asLong()).isEqualTo(ITEMS + NEW_ITEMS);
    assertThat(s.get("modelVersion").asLong()).isEqualTo(3);
    assertThat(s.get("itemModelVersions").get("3").asLong()).isEqualTo(ITEMS);
    assertThat(s.get("itemModelVersions").get("4").asLong()).isEqualTo(NEW_ITEMS);
    assertThat(s.get("indexKind").asText()).isEqualTo("exact");
    assertThat(s.get("loss").asDouble()).isEqualTo(0.75);
    assertThat(s.get("batches").asLong()).isEqualTo(500);
    assertThat(s.get("collapse").get("effectiveRank").asDouble()).isEqualTo(12.5);
    assertThat(s.get("collapse").get("meanCosine").asDouble()).isEqualTo(0.125);
    assertThat(s.get("collapse").get("items").asInt()).isEqualTo(7);
    assertThat(s.get("updatesApplied").asLong()).isEqualTo(ITEMS + 6 + NEW_ITEMS + 1);
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
      assertThat(c.get("score").floatValue())
          .isCloseTo(dot(user, items.get(c.get("itemId").asText())), within(1e-5f));
    }
    assertThat(ids)
        .containsExactlyElementsOf(ranking(user, Set.of(best.get(0), best.get(3))).subList(0, 5));
    assertThat(ok(get("/v1/users/user-1/candidates")).get("candidates")).hasSize(10); // default k
  }

  @Test
  void vectorCandidates() throws Exception {
    float[] query = users.get("user-2");
    String body =
        json.writeValueAsString(
            Map.of(
                "vector",
                query,
                "k",
                3,
                "exclude",
                List.of(ranking(query, Set.of()).get(0)),
                "modelVersion",
                3));

    JsonNode result = ok(post("/v1/candidates", body));

    assertThat(result.get("candidates")).hasSize(3);
    assertThat(result.get("candidates").get(0).get("itemId").asText())
        .isEqualTo(ranking(query, Set.of()).get(1));
    assertThat(result.get("modelVersion").asLong()).isEqualTo(3);

    JsonNode newest =
        ok(post("/v1/candidates", json.writeValueAsString(Map.of("vector", query, "k", 50))));
    assertThat(newest.get("modelVersion").asLong()).isEqualTo(4);
    assertThat(newest.get("candidates")).hasSize(NEW_ITEMS);
  }

  @Test
  void modelVersionsAreNeverMixed() throws Exception {
    JsonNode own = ok(get("/v1/users/user-v4/candidates?k=100"));
    assertThat(own.get("modelVersion").asLong()).isEqualTo(4);
    assertThat(ids(own)).hasSize(NEW_ITEMS).allSatisfy(id -> assertThat(id).startsWith("new-"));

    JsonNode old = ok(get("/v1/users/user-1/candidates?k=1000"));
    assertThat(old.get("modelVersion").asLong()).isEqualTo(3);
    assertThat(ids(old)).hasSize(ITEMS).noneSatisfy(id -> assertThat(id).startsWith("new-"));

    JsonNode asked = ok(get("/v1/users/user-1/candidates?k=5&modelVersion=4"));
    assertThat(asked.get("modelVersion").asLong()).isEqualTo(4);
    assertThat(ids(asked)).hasSize(5).allSatisfy(id -> assertThat(id).startsWith("new-"));

    JsonNode similar = ok(get("/v1/items/new-3/similar?k=100"));
    assertThat(similar.get("modelVersion").asLong()).isEqualTo(4);
    assertThat(ids(similar)).hasSize(NEW_ITEMS - 1).doesNotContain("new-3");
    assertThat(ok(get("/v1/items/item-3/similar?k=5&modelVersion=9")).get("candidates")).isEmpty();
    assertError(
        get("/v1/users/user-1/candidates?modelVersion=x"), 400, "modelVersion must be an integer");
  }

  @Test
  void candidatesRankByDotPlusBiasUnlessBiasIsFalseAndSimilarItemsByTheDot() throws Exception {
    List<String> byScore =
        newItems.keySet().stream()
            .sorted(
                Comparator.comparing(
                    (String id) -> -(dot(userV4, newItems.get(id)) + newItemBiases.get(id))))
            .toList();
    List<String> byDot =
        newItems.keySet().stream()
            .sorted(Comparator.comparing((String id) -> -dot(userV4, newItems.get(id))))
            .toList();
    assertThat(byScore.subList(0, 5))
        .as("the fixture's biases change the top 5")
        .isNotEqualTo(byDot.subList(0, 5));

    JsonNode biased = ok(get("/v1/users/user-v4/candidates?k=5"));
    assertThat(ids(biased)).containsExactlyElementsOf(byScore.subList(0, 5));
    for (JsonNode c : biased.get("candidates")) {
      String id = c.get("itemId").asText();
      assertThat(c.get("bias").floatValue()).isEqualTo(newItemBiases.get(id));
      assertThat(c.get("score").floatValue())
          .isCloseTo(dot(userV4, newItems.get(id)) + newItemBiases.get(id), within(1e-5f));
    }
    assertThat(ids(ok(get("/v1/users/user-v4/candidates?k=5&bias=true")))).isEqualTo(ids(biased));
    JsonNode plain = ok(get("/v1/users/user-v4/candidates?k=5&bias=false"));
    assertThat(ids(plain)).containsExactlyElementsOf(byDot.subList(0, 5));
    assertThat(plain.get("candidates").get(0).get("score").floatValue())
        .isCloseTo(dot(userV4, newItems.get(byDot.get(0))), within(1e-5f));

    String vector = json.writeValueAsString(userV4);
    assertThat(ids(ok(post("/v1/candidates", "{\"vector\":" + vector + ",\"k\":5}"))))
        .containsExactlyElementsOf(byScore.subList(0, 5));
    assertThat(
            ids(ok(post("/v1/candidates", "{\"vector\":" + vector + ",\"k\":5,\"bias\":false}"))))
        .containsExactlyElementsOf(byDot.subList(0, 5));
    assertThat(ids(ok(post("/v1/candidates?bias=false", "{\"vector\":" + vector + ",\"k\":5}"))))
        .containsExactlyElementsOf(byDot.subList(0, 5));
    JsonNode batch =
        ok(
            post(
                "/v1/candidates:batch",
                "{\"queries\":[{\"userId\":\"user-v4\",\"k\":5,\"bias\":false},"
                    + "{\"userId\":\"user-v4\",\"k\":5},{\"userId\":\"user-v4\",\"bias\":\"no\"}]}"));
    assertThat(ids(batch.get("results").get(0))).containsExactlyElementsOf(byDot.subList(0, 5));
    assertThat(ids(batch.get("results").get(1))).containsExactlyElementsOf(byScore.subList(0, 5));
    assertThat(batch.get("results").get(2).get("status").asInt()).isEqualTo(400);

    float[] item = newItems.get("new-3");
    List<String> similar =
        newItems.keySet().stream()
            .filter(id -> !id.equals("new-3"))
            .sorted(Comparator.comparing((String id) -> -dot(item, newItems.get(id))))
            .toList();
    assertThat(ids(ok(get("/v1/items/new-3/similar?k=5"))))
        .containsExactlyElementsOf(similar.subList(0, 5));

    assertThat(ok(get("/v1/embeddings/item/new-3")).get("bias").floatValue())
        .isEqualTo(newItemBiases.get("new-3"));
    assertThat(ok(get("/v1/embeddings/user/user-v4")).has("bias"))
        .as("users have no bias")
        .isFalse();
    assertError(
        get("/v1/users/user-v4/candidates?bias=maybe"),
        400,
        "bias must be true or false, got 'maybe'");
    assertError(
        post("/v1/candidates", "{\"vector\":" + vector + ",\"bias\":1}"),
        400,
        "'bias' must be true or false");
  }

  @Test
  void batchAnswersEveryQueryInOrderWithErrorsInline() throws Exception {
    float[] query = users.get("user-2");
    String body =
        json.writeValueAsString(
            Map.of(
                "queries",
                List.of(
                    Map.of(
                        "userId",
                        "user-1",
                        "k",
                        3,
                        "exclude",
                        List.of(ranking(users.get("user-1"), Set.of()).get(0))),
                    Map.of("vector", query, "k", 2, "modelVersion", 3),
                    Map.of("userId", "nobody"),
                    Map.of("itemId", "item-7", "k", 4),
                    Map.of("vector", new float[] {1, 2, 3}),
                    Map.of("userId", "user-1", "k", 0),
                    Map.of("k", 3))));

    JsonNode results = ok(post("/v1/candidates:batch", body)).get("results");

    assertThat(results).hasSize(7);
    assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
    assertThat(results.get(0).get("userId").asText()).isEqualTo("user-1");
    assertThat(results.get(0).get("modelVersion").asLong()).isEqualTo(3);
    assertThat(ids(results.get(0)))
        .containsExactlyElementsOf(ranking(users.get("user-1"), Set.of()).subList(1, 4));
    assertThat(ids(results.get(1)))
        .containsExactlyElementsOf(ranking(query, Set.of()).subList(0, 2));
    assertThat(results.get(2).get("status").asInt()).isEqualTo(404);
    assertThat(results.get(2).get("error").asText()).contains("unknown user 'nobody'");
    assertThat(results.get(2).has("candidates")).isFalse();
    assertThat(ids(results.get(3)))
        .containsExactlyElementsOf(ranking(items.get("item-7"), Set.of("item-7")).subList(0, 4));
    assertThat(results.get(4).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(4).get("error").asText()).contains("dimension 3");
    assertThat(results.get(5).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(5).get("error").asText()).contains("k must be");
    assertThat(results.get(6).get("error").asText()).contains("exactly one of");

    assertError(
        post("/v1/candidates:batch", "{\"queries\":[]}"),
        400,
        "'queries' must be an array of 1 to 100");
    assertError(post("/v1/candidates:batch", "[1]"), 400, "JSON object");
  }

  @Test
  void openApiDescribesEveryRouteAndIsServed() throws Exception {
    JsonNode spec = ok(get("/v1/openapi.json"));
    assertThat(spec.get("openapi").asText()).startsWith("3.");
    List<String> paths = new ArrayList<>();
    spec.get("paths").fieldNames().forEachRemaining(paths::add);
    assertThat(paths)
        .containsExactlyInAnyOrder(
            "/health",
            "/ready",
            "/v1/status",
            "/v1/status/history",
            "/v1/users/{userId}/candidates",
            "/v1/candidates",
            "/v1/candidates:batch",
            "/v1/items/{itemId}/similar",
            "/v1/embeddings/{entity}/{id}",
            "/v1/openapi.json",
            "/metrics",
            "/v1/admin/snapshot");
    // every documented route exists on the server (an unknown route answers 404 with an empty
    // error)
    for (String path : paths) {
      String concrete =
          path.replace("{userId}", "user-1")
              .replace("{itemId}", "item-1")
              .replace("{entity}", "item")
              .replace("{id}", "item-1");
      JsonNode operations = spec.get("paths").get(path);
      if (operations.has("get")) {
        assertThat(get(concrete).statusCode()).as(path).isEqualTo(200);
      } else if (path.startsWith("/v1/admin/")) {
        assertError(post(concrete, "{}"), 403, "admin routes are off");
      } else {
        assertThat(post(concrete, "{}").statusCode()).as(path).isEqualTo(400);
      }
    }
  }

  @Test
  void metricsExposeRequestLatencyPerRouteAndStoreFigures() throws Exception {
    ok(get("/v1/users/user-1/candidates?k=3"));
    get("/v1/users/nobody/candidates");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    assertThat(r.body())
        .contains(
            "towerstream_store_http_requests_total{method=\"GET\",route=\"/v1/users/{userId}/candidates\",status=\"200\"}")
        .contains(
            "towerstream_store_http_requests_total{method=\"GET\",route=\"/v1/users/{userId}/candidates\",status=\"404\"}")
        .contains("towerstream_store_http_request_duration_seconds_bucket{")
        .contains("towerstream_store_consumer_lag_records -1")
        .contains("towerstream_store_index_items " + (ITEMS + NEW_ITEMS))
        .contains("towerstream_store_index_delta_items")
        .contains("towerstream_store_updates_applied_total " + (ITEMS + 6 + NEW_ITEMS + 1))
        .contains("towerstream_store_updates_stale_total 0")
        .contains("towerstream_store_updates_malformed_total 0")
        .contains("towerstream_store_rocksdb_size_bytes")
        .contains("towerstream_store_update_visible_seconds");
  }

  private static List<String> ids(JsonNode result) {
    List<String> ids = new ArrayList<>();
    result.get("candidates").forEach(c -> ids.add(c.get("itemId").asText()));
    return ids;
  }

  @Test
  void similarItemsNeverIncludeTheItemItself() throws Exception {
    JsonNode result = ok(get("/v1/items/item-7/similar?k=4"));
    List<String> ids = new ArrayList<>();
    result.get("candidates").forEach(c -> ids.add(c.get("itemId").asText()));
    assertThat(ids)
        .containsExactlyElementsOf(ranking(items.get("item-7"), Set.of("item-7")).subList(0, 4));
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
    assertThat(ok(get("/v1/embeddings/user/%C3%A9mile%20b")).get("id").asText())
        .isEqualTo("émile b");
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
    assertError(
        get("/v1/users/user-1/candidates?k=0"),
        400,
        "k must be an integer from 1 to 1000, got '0'");
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
    assertError(
        post("/v1/candidates", "{\"vector\":[1,2,3]}"), 400, "dimension 3, item vectors have 8");
    String eight = "[1,0,0,0,0,0,0,0]";
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"k\":2.5}"), 400, "k must be");
    assertError(post("/v1/candidates", "{\"vector\":" + eight + ",\"k\":5000}"), 400, "k must be");
    assertError(
        post("/v1/candidates", "{\"vector\":" + eight + ",\"exclude\":\"a\"}"),
        400,
        "'exclude' must be an array");
    assertError(
        post("/v1/candidates", "{\"vector\":" + eight + ",\"exclude\":[1]}"), 400, "only strings");
  }

  @Test
  void queryBodiesMustBeDeclaredJson() throws Exception {
    String body = "{\"vector\":[1,0,0,0,0,0,0,0],\"k\":2}";
    for (String route : List.of("/v1/candidates", "/v1/candidates:batch")) {
      String sent = route.endsWith("batch") ? "{\"queries\":[" + body + "]}" : body;
      for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", null}) {
        assertError(post(route, type, sent), 415, "Content-Type must be application/json");
      }
      ok(post(route, "application/json; charset=UTF-8", sent));
      ok(post(route, "Application/JSON", sent));
    }
  }

  private List<String> ranking(float[] query, Set<String> exclude) {
    return items.entrySet().stream()
        .filter(e -> !exclude.contains(e.getKey()))
        .sorted(Comparator.comparing((Map.Entry<String, float[]> e) -> -dot(query, e.getValue())))
        .map(Map.Entry::getKey)
        .toList();
  }

  private JsonNode ok(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return json.readTree(response.body());
  }

  private void assertError(HttpResponse<String> response, int status, String message)
      throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = json.readTree(response.body());
    assertThat(body.get("error").asText()).contains(message);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return post(path, "application/json", body);
  }

  /** A POST with {@code contentType} (null: none). */
  private HttpResponse<String> post(String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + api.port() + path);
  }
}

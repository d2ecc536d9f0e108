package io.towerstream.store.http;

import static io.towerstream.store.TestRecords.trainerStatus;
import static io.towerstream.store.TestRecords.unitVector;

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
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real HTTP server on a free loopback port over a real RocksDB store holding 50 items ({@code
 * i0}..{@code i49}) and 5 users ({@code u0}..{@code u4}) of dimension {@value #DIM}, for the HTTP
 * tests; the caller chooses what the API serves beyond queries ({@link HttpApi.Extras}).
 */
final class SeededServer implements AutoCloseable {
  static final int DIM = 8;
  static final String TOKEN = "test-token-0123456789abcdef";
  static final String JSON = "application/json";

  final EmbeddingStore store;
  final HttpApi api;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SeededServer(EmbeddingStore store, HttpApi api) {
    this.store = store;
    this.api = api;
  }

  /**
   * @param extras what the API serves beyond queries, given the seeded store and its metrics
   */
  static SeededServer start(
      Path dir, BiFunction<EmbeddingStore, StoreMetrics, HttpApi.Extras> extras) {
    Random random = new Random(7);
    List<EmbeddingMutation> mutations = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      mutations.add(
          EmbeddingMutation.upsert(
              Entity.ITEM, "i" + i, new StoredVector(1, 1, 1, unitVector(random, DIM)), null));
    }
    for (int u = 0; u < 5; u++) {
      mutations.add(
          EmbeddingMutation.upsert(
              Entity.USER, "u" + u, new StoredVector(1, 1, 1, unitVector(random, DIM)), null));
    }
    EmbeddingStore store = EmbeddingStore.open(dir.resolve("db"));
    IngestMetrics ingest = new IngestMetrics();
    ExactItemIndex index = new ExactItemIndex();
    new BatchApplier(store, index, ingest)
        .apply(new StoreBatch(mutations, trainerStatus(1, 1, 10, 0.5), Map.of()));
    StatusReporter status = new StatusReporter(store, index, ingest);
    StoreMetrics metrics = new StoreMetrics(ingest, index, store, status::newestUpdateAgeMs);
    HttpApi api =
        HttpApi.start(
            new RetrievalService(store, index),
            status,
            "127.0.0.1",
            0,
            () -> Readiness.CAUGHT_UP,
            extras.apply(store, metrics));
    return new SeededServer(store, api);
  }

  /**
   * A server as a store runs it: metrics, and the snapshot route with the store's own taker writing
   * below {@code dir/snapshots}, guarded by {@code token} (null: none, so the admin route is off).
   */
  static SeededServer guarded(Path dir, String token) {
    return start(
        dir,
        (store, metrics) ->
            HttpApi.Extras.NONE
                .withMetrics(metrics)
                .withSnapshots(RetrievalStore.snapshotTaker(store), dir.resolve("snapshots"))
                .withBearerToken(token));
  }

  /**
   * A {@link #guarded} server for a whole test class, in a temporary directory of its own:
   * {@code @RegisterExtension static final SeededServer.PerClass SERVER = new PerClass(TOKEN);}.
   */
  static final class PerClass implements BeforeAllCallback, AfterAllCallback {
    private final String token;
    private Path dir;
    private SeededServer server;

    PerClass(String token) {
      this.token = token;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
      dir = Files.createTempDirectory("seeded-server");
      server = guarded(dir, token);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
      server.close();
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }

    SeededServer server() {
      return server;
    }

    Path dir() {
      return dir;
    }
  }

  int port() {
    return api.port();
  }

  /**
   * One request with java.net.http (which sets Host and Content-Length itself); {@code contentType}
   * and {@code auth} null: not sent.
   */
  HttpResponse<String> send(
      String method, String path, String contentType, String body, String auth) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (auth != null) {
      b.header("Authorization", auth);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A JSON POST with the bearer token. */
  HttpResponse<String> postJson(String path, String body) throws Exception {
    return send("POST", path, JSON, body, "Bearer " + TOKEN);
  }

  @Override
  public void close() {
    try {
      api.close();
    } finally {
      store.close();
    }
  }
}

package io.towerstream.store.http;

import static io.towerstream.store.http.SeededServer.JSON;
import static io.towerstream.store.http.SeededServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.RetrievalStore;
import io.towerstream.store.rocks.EmbeddingStore;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/admin/snapshot} over a real RocksDB store with the store's own snapshot taker:
 * served only with a bearer token, only to a JSON body, and only below the snapshot directory; a
 * refusal names neither the store's directories nor a Java class.
 */
class SnapshotRouteTest {
  private static final String ROUTE = "/v1/admin/snapshot";
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  private SeededServer start(String token) {
    return SeededServer.guarded(dir, token);
  }

  @Test
  void adminRoutesAreOffWithoutAToken() throws Exception {
    try (SeededServer server = start(null)) {
      HttpResponse<String> r = server.send("POST", ROUTE, JSON, "{\"path\":\"a\"}", null);
      assertRefused(r, 403, "--auth-token-file");
      assertThat(dir.resolve("snapshots")).doesNotExist();
      // the query routes stay open without a token
      assertThat(server.send("GET", "/v1/users/u1/candidates", null, null, null).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void onlyAJsonBodyIsTakenSoNoWebPageCanSendASimpleRequest() throws Exception {
    try (SeededServer server = start(TOKEN)) {
      String body = "{\"path\":\"from-a-form\"}";
      String auth = "Bearer " + TOKEN;
      for (String type :
          new String[] {
            "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", null
          }) {
        assertRefused(server.send("POST", ROUTE, type, body, auth), 415, "application/json");
      }
      assertThat(dir.resolve("snapshots")).doesNotExist();
      assertThat(server.send("POST", ROUTE, "application/json; charset=utf-8", body, auth))
          .satisfies(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
    }
  }

  @Test
  void aRelativeNameIsWrittenInsideTheSnapshotDirectoryOnce() throws Exception {
    try (SeededServer server = start(TOKEN)) {
      HttpResponse<String> r = server.postJson(ROUTE, "{\"path\":\"nightly/2026-01-01\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      Path written = dir.resolve("snapshots").resolve("nightly").resolve("2026-01-01");
      assertThat(written.resolve("CURRENT")).exists();
      JsonNode answer = json.readTree(r.body());
      assertThat(answer.get("path").asText()).isEqualTo(written.toAbsolutePath().toString());
      assertThat(answer.get("items").asLong()).isEqualTo(50);
      assertThat(answer.get("users").asLong()).isEqualTo(5);

      assertRefused(
          server.postJson(ROUTE, "{\"path\":\"nightly/2026-01-01\"}"),
          409,
          "'nightly/2026-01-01' already exists");
      assertRefused(server.postJson(ROUTE, "{}"), 400, "missing field 'path'");
      assertRefused(
          server.postJson(ROUTE, "{\"path\":\"later\",\"path\":\"/tmp/elsewhere\"}"),
          400,
          "Duplicate field 'path'");
      assertRefused(server.postJson(ROUTE, "{\"path\":\"one\"}{\"path\":\"two\"}"), 400, "JSON");
      assertThat(dir.resolve("snapshots").resolve("one")).doesNotExist();

      Path restored = dir.resolve("restored");
      RetrievalStore.restoreSnapshot(written, restored);
      try (EmbeddingStore copy = EmbeddingStore.open(restored)) {
        assertThat(copy.stats()).isEqualTo(server.store.stats());
        assertThat(copy.get(Entity.ITEM, "i5").orElseThrow())
            .isEqualTo(server.store.get(Entity.ITEM, "i5").orElseThrow());
      }
    }
  }

  @Test
  void absolutePathsAndParentStepsAreRefusedAndNothingIsCreated() throws Exception {
    try (SeededServer server = start(TOKEN)) {
      Path outside = dir.resolve("outside");
      for (String name :
          List.of(
              outside.toString(),
              "/tmp/towerstream-escape",
              "../outside",
              "a/../../outside",
              "a/../b",
              "..",
              ".",
              "./",
              "a\\..\\b",
              "new\nline",
              "nul\u0000byte")) {
        HttpResponse<String> r =
            server.postJson(ROUTE, json.writeValueAsString(java.util.Map.of("path", name)));
        assertRefused(r, 400, "'path'");
      }
      assertThat(outside).doesNotExist();
      assertThat(Path.of("/tmp/towerstream-escape")).doesNotExist();
      assertThat(dir.resolve("snapshots")).doesNotExist();
    }
  }

  @Test
  void aSnapshotThatCannotBeWrittenIsRefusedWithoutInternalDetails() throws Exception {
    try (SeededServer server = start(TOKEN)) {
      Files.createDirectories(dir.resolve("snapshots"));
      Files.writeString(dir.resolve("snapshots").resolve("blocked"), "a file in the way");
      HttpResponse<String> r = server.postJson(ROUTE, "{\"path\":\"blocked/snap\"}");
      assertRefused(r, 409, "'blocked/snap' could not be written");
    }
  }

  @Test
  void aStoreThatIsClosingAnswers503() throws Exception {
    try (SeededServer server = start(TOKEN)) {
      server.store.close();
      assertRefused(server.postJson(ROUTE, "{\"path\":\"late\"}"), 503, "shutting down");
    }
  }

  /** A JSON error with {@code message}, naming no directory of this test and no Java class. */
  private void assertRefused(HttpResponse<String> r, int status, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    String error = json.readTree(r.body()).get("error").asText();
    assertThat(error).contains(message);
    assertThat(error)
        .doesNotContain(dir.toString(), "Exception", "java.", "RocksDB", "io.towerstream");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("nothing but the store and the snapshot directory")
          .isSubsetOf("db", "snapshots", "restored");
    }
  }
}

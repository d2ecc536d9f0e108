package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile HTTP traffic against a real server over a real RocksDB store, guarded by a bearer token,
 * on the routes a store serves, the snapshot route with the store's own snapshot taker included:
 * 10,000 seeded random requests from {@value #CLIENTS} clients at once (bad and huge ids, k out of
 * range, malformed escapes, malformed, duplicate-keyed, huge and deeply nested JSON, wrong vector
 * dimensions, non-finite numbers, snapshot names that are absolute, step out or cannot be written,
 * wrong methods, content types and charsets, missing or wrong tokens, foreign Host names), sent
 * with a length, chunked, with broken chunks or a length far beyond what is sent. None may answer
 * 5xx or leave its client waiting; every error is JSON with a message naming no directory of the
 * store and no Java class; nothing is written outside the snapshot directory; the server still
 * serves afterwards.
 */
class HttpApiFuzzTest {
  private static final int DIM = SeededServer.DIM;
  private static final int REQUESTS = 10_000;
  private static final int CLIENTS = 4;
  private static final String TOKEN = SeededServer.TOKEN;

  /** Where a snapshot would land if a name could escape the snapshot directory. */
  private static final String ESCAPE =
      "/tmp/towerstream-fuzz-escape-" + ProcessHandle.current().pid();

  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension static final SeededServer.PerClass SERVER = new SeededServer.PerClass(TOKEN);

  @Test
  void everyEndpointButTheProbesNeedsTheBearerToken() throws Exception {
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    // an orchestrator's readiness probe sends no token: it learns caught up or not, and the lag
    assertThat(send("GET", "/ready", null, null).statusCode()).isIn(200, 503);
    for (String path :
        List.of(
            "/v1/status",
            "/metrics",
            "/v1/users/u1/candidates",
            "/v1/openapi.json",
            "/v1/no-such-route")) {
      HttpResponse<String> none = send("GET", path, null, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
      assertThat(json.readTree(none.body()).get("error").asText()).contains("missing bearer token");
      assertThat(send("GET", path, null, "Bearer wrong-token-0123456789abcde").statusCode())
          .as(path)
          .isEqualTo(401);
    }
    assertThat(send("POST", "/v1/candidates", "{\"vector\":[1,0,0,0,0,0,0,0]}", null).statusCode())
        .isEqualTo(401);
    assertThat(send("GET", "/v1/users/u1/candidates", null, "Bearer " + TOKEN).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", "/v1/users/u1/candidates", null, "bearer " + TOKEN).statusCode())
        .isEqualTo(200);
  }

  @Test
  void tenThousandHostileRequestsFromFourClientsGetA4xxWithAMessageAndNever5xx() throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    Map<Integer, Integer> statuses = new TreeMap<>();
    try {
      List<Future<Map<Integer, Integer>>> runs = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        Random random = new Random(20261202L + c);
        runs.add(clients.submit(() -> fuzz(random, REQUESTS / CLIENTS)));
      }
      for (Future<Map<Integer, Integer>> run : runs) {
        // a client still waiting after this is a hang
        run.get(10, TimeUnit.MINUTES).forEach((code, n) -> statuses.merge(code, n, Integer::sum));
      }
    } finally {
      clients.shutdownNow();
    }
    System.out.println("HttpApiFuzzTest statuses of " + REQUESTS + " requests: " + statuses);
    assertThat(statuses.keySet()).contains(200, 400, 401, 403, 404, 409, 413, 415);
    assertThat(Path.of(ESCAPE)).doesNotExist();
    try (Stream<Path> files = Files.list(SERVER.dir())) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("nothing written beside the store and its snapshot directory")
          .containsExactlyInAnyOrder("db", "snapshots");
    }
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/users/u1/candidates?k=3", null, "Bearer " + TOKEN).statusCode())
        .isEqualTo(200);
    // the dashboard's page and assets hold no data and stay open; the history it charts needs the
    // token
    assertThat(send("GET", "/", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/dashboard/lib/uplot.js", null, null).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/v1/status/history", null, null).statusCode()).isEqualTo(401);
    assertThat(send("GET", "/v1/status/history", null, "Bearer " + TOKEN).statusCode())
        .isEqualTo(200);
  }

  /** {@code n} random requests from one client; the count of each status. */
  private Map<Integer, Integer> fuzz(Random random, int n) throws Exception {
    FuzzDelivery delivery = new FuzzDelivery(SERVER.server().port());
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      Request r = randomRequest(random);
      FuzzDelivery.How how = pick(random, FuzzDelivery.How.values());
      if (random.nextBoolean()) {
        how = FuzzDelivery.How.LENGTH; // the plain way, half of the time
      }
      String host =
          random.nextInt(10) > 0
              ? "127.0.0.1:" + SERVER.server().port()
              : pick(random, "localhost", "[::1]", "evil.example", "localhost.evil.example:80");
      String contentType =
          random.nextInt(5) > 0
              ? SeededServer.JSON
              : pick(
                  random,
                  null,
                  "text/plain",
                  "application/x-www-form-urlencoded",
                  "application/json; charset=x-bogus",
                  "application/json; charset=",
                  "application/json;charset",
                  "application/json; charset=\"utf-8\"");
      String described =
          String.format(
              "%s %s %s %s Host %s body %s",
              how, r.method, abbreviate(r.path), contentType, host, abbreviate(r.body));
      FuzzDelivery.Answer answer =
          delivery.send(
              how,
              r.method,
              r.path,
              r.body == null ? null : contentType,
              r.body,
              r.auth,
              host,
              pick(random, 1, 5, 1024, 65_536));
      statuses.merge(answer.status(), 1, Integer::sum);
      if (answer.status() == -1 && r.body != null && r.body.length() > HttpApi.MAX_BODY_BYTES) {
        continue; // refused while the client was still sending: the connection closed
      }
      assertThat(answer.status()).as("an answer to %s", described).isBetween(100, 499);
      if (answer.status() >= 400 && !r.method.equals("HEAD")) {
        assertIsJsonError(answer, described);
      }
    }
    return statuses;
  }

  /** A JSON error with a message that names no directory of the store and no Java class. */
  private void assertIsJsonError(FuzzDelivery.Answer answer, String described) {
    JsonNode error;
    try {
      error = json.readTree(answer.body());
    } catch (java.io.IOException e) {
      error = null;
    }
    assertThat(error != null && error.path("error").isTextual())
        .as("%s -> %d %s", described, answer.status(), abbreviate(answer.body()))
        .isTrue();
    assertThat(error.path("error").asText())
        .as(described)
        .doesNotContain(
            SERVER.dir().toString(),
            "Exception",
            "java.",
            "com.fasterxml",
            "io.towerstream",
            "org.eclipse",
            "Feature.",
            "Constraints.");
  }

  private record Request(String method, String path, String body, String auth) {}

  private Request randomRequest(Random r) {
    String auth =
        switch (r.nextInt(20)) {
          case 0 -> null;
          case 1 -> "Bearer " + TOKEN.substring(0, TOKEN.length() - 1) + "x";
          case 2 -> "Basic " + TOKEN;
          default -> "Bearer " + TOKEN;
        };
    return switch (r.nextInt(9)) {
      case 0 -> new Request("GET", "/v1/users/" + id(r) + "/candidates" + query(r), null, auth);
      case 1 -> new Request("GET", "/v1/items/" + id(r) + "/similar" + query(r), null, auth);
      case 2 ->
          new Request(
              "GET",
              "/v1/embeddings/" + pick(r, "user", "item", "USER", "thing", "", "%00") + "/" + id(r),
              null,
              auth);
      case 3 -> new Request("POST", "/v1/candidates" + query(r), vectorBody(r), auth);
      case 4 -> new Request("POST", "/v1/candidates:batch", batchBody(r), auth);
      case 5 -> new Request("POST", "/v1/admin/snapshot", snapshotBody(r), auth);
      case 6 ->
          new Request(
              pick(r, "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "POST", "GET"),
              pick(
                  r,
                  "/v1/status",
                  "/v1/candidates",
                  "/v1/users/u1/candidates",
                  "/metrics",
                  "/ready",
                  "/",
                  "/v1/" + id(r)),
              r.nextBoolean() ? garbage(r) : null,
              auth);
      case 7 ->
          new Request(
              "POST", "/v1/candidates", pick(r, deepNesting(r), hugeArray(r), garbage(r)), auth);
      default ->
          new Request(
              "GET",
              pick(
                  r,
                  "/v1/status",
                  "/ready",
                  "/metrics",
                  "/v1/openapi.json",
                  "/health",
                  "/v1/users//candidates",
                  "/v1/items/%2F%2E%2E/similar",
                  "/" + id(r)),
              null,
              auth);
    };
  }

  private static String id(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> "u" + r.nextInt(7);
      case 1 -> "i" + r.nextInt(60);
      case 2 -> percentEncoded(r, 1 + r.nextInt(40));
      case 3 -> "a".repeat(r.nextInt(2) == 0 ? 300 : 6_000);
      case 4 -> "%E2%98%83%F0%9F%92%A9"; // snowman, pile of poo
      case 5 -> "..%2F..%2Fetc%2Fpasswd";
      case 6 -> "%20";
      default -> Integer.toString(r.nextInt());
    };
  }

  private static String percentEncoded(Random r, int bytes) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < bytes; i++) {
      out.append('%').append(String.format("%02X", r.nextInt(256)));
    }
    return out.toString();
  }

  private static String query(Random r) {
    List<String> params = new ArrayList<>();
    if (r.nextBoolean()) {
      params.add(
          "k="
              + pick(
                  r,
                  "-1",
                  "0",
                  "1",
                  "10",
                  "1000",
                  "1001",
                  "2147483648",
                  "abc",
                  "",
                  "1e3",
                  "NaN",
                  "%00",
                  "%zz",
                  "%",
                  "9".repeat(400)));
    }
    if (r.nextInt(3) == 0) {
      params.add("exclude=" + pick(r, "i1,i2", ",,,", "%FF", "a".repeat(5_000), "i1&exclude=i2"));
    }
    if (r.nextInt(3) == 0) {
      params.add("bias=" + pick(r, "true", "false", "maybe", "", "1"));
    }
    if (r.nextInt(4) == 0) {
      params.add("modelVersion=" + pick(r, "1", "-5", "x", "99999999999999999999", ""));
    }
    return params.isEmpty() ? "" : "?" + String.join("&", params);
  }

  /**
   * Mostly names inside the snapshot directory (each written once, then refused as existing), names
   * that would escape it, and names it cannot hold.
   */
  private static String snapshotBody(Random r) {
    return pick(
        r,
        "{\"path\":\"fuzz/" + r.nextInt(30) + "\"}",
        "{\"path\":\"fuzz-" + r.nextInt(30) + "\"}",
        "{\"path\":\"" + ESCAPE + "\"}",
        "{\"path\":\"../" + ESCAPE.substring(5) + "\"}",
        "{\"path\":\"fuzz/../../escape\"}",
        "{\"path\":\"fuzz/1\",\"path\":\"" + ESCAPE + "\"}",
        "{\"path\":\"fuzz/2\"}{\"path\":\"" + ESCAPE + "\"}",
        "{\"path\":\"" + "n".repeat(300) + "\"}", // longer than a file name may be
        "{\"path\":\"fuzz/" + "d/".repeat(50) + "x\"}",
        "{}",
        "{\"path\":\"\"}",
        "{\"path\":\"\\u0000\"}",
        "{\"path\":17}",
        "[]",
        garbage(r));
  }

  private static String vectorBody(Random r) {
    int dim = pick(r, DIM, DIM, DIM, 1, 7, 9, 0, 2_000);
    StringBuilder v = new StringBuilder("[");
    for (int i = 0; i < dim; i++) {
      v.append(i == 0 ? "" : ",")
          .append(
              r.nextInt(30) == 0
                  ? pick(r, "NaN", "1e400", "\"x\"", "null", "-1e39", "true")
                  : Float.toString((float) r.nextGaussian()));
    }
    v.append(']');
    String k =
        pick(
            r,
            "",
            ",\"k\":5",
            ",\"k\":0",
            ",\"k\":-3",
            ",\"k\":1e9",
            ",\"k\":\"ten\"",
            ",\"k\":2.5",
            ",\"k\":99999999999999999999");
    String exclude =
        pick(
            r,
            "",
            ",\"exclude\":[\"i1\"]",
            ",\"exclude\":\"i1\"",
            ",\"exclude\":[1,2]",
            ",\"exclude\":null");
    String bias = pick(r, "", ",\"bias\":false", ",\"bias\":\"no\"", ",\"bias\":1");
    String body = "{\"vector\":" + v + k + exclude + bias + "}";
    return switch (r.nextInt(20)) {
      case 0, 1 -> body.substring(0, r.nextInt(body.length())); // truncated
      case 2 -> body + pick(r, "{}", " {\"k\":1}", "]", "x"); // trailing content
      case 3 -> body.replace("{\"vector\":", "{\"k\":1,\"k\":2,\"vector\":"); // a key twice
      default -> body;
    };
  }

  private static String batchBody(Random r) {
    int n = pick(r, 1, 3, 0, 100, 101);
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      queries.add(
          pick(
              r,
              "{\"userId\":\"u1\"}",
              "{\"userId\":\"nobody\",\"k\":3}",
              "{\"itemId\":\"i2\",\"k\":0}",
              "{\"vector\":[1,0,0,0,0,0,0,0]}",
              "{\"vector\":[1,0]}",
              "{}",
              "17",
              "{\"userId\":\"u1\",\"itemId\":\"i1\"}",
              "{\"userId\":\"\"}",
              "{\"vector\":\"abc\"}"));
    }
    return pick(
        r,
        "{\"queries\":[" + String.join(",", queries) + "]}",
        "{\"queries\":{}}",
        "{\"queries\":null}",
        "[" + String.join(",", queries) + "]");
  }

  private static String deepNesting(Random r) {
    int depth = pick(r, 100, 2_000, 50_000);
    return "{\"vector\":" + "[".repeat(depth) + "1" + "]".repeat(depth) + "}";
  }

  private static String hugeArray(Random r) {
    int n = pick(r, 10_000, 700_000); // the second is over 4 MB
    StringBuilder out = new StringBuilder("{\"vector\":[");
    for (int i = 0; i < n; i++) {
      out.append(i == 0 ? "" : ",").append("0.125");
    }
    return out.append("]}").toString();
  }

  private static String garbage(Random r) {
    return switch (r.nextInt(5)) {
      case 0 -> "";
      case 1 -> "{";
      case 2 -> "not json at all";
      case 3 -> "{\"vector\":[1,2,3],}";
      default ->
          new String(
              percentEncoded(r, 20).getBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
    };
  }

  @SafeVarargs
  private static <T> T pick(Random r, T... options) {
    return options[r.nextInt(options.length)];
  }

  private HttpResponse<String> send(String method, String path, String body, String auth)
      throws Exception {
    return SERVER.server().send(method, path, body == null ? null : SeededServer.JSON, body, auth);
  }

  private static String abbreviate(String s) {
    return s == null
        ? "null"
        : s.length() <= 200 ? s : s.substring(0, 200) + "…(" + s.length() + " chars)";
  }
}

package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile HTTP traffic against a real server over a real RocksDB store, guarded by a bearer token:
 * 10,000 seeded random requests (bad and huge ids, k out of range, malformed, huge and deeply
 * nested JSON, wrong vector dimensions, non-finite numbers, wrong methods, missing or wrong
 * tokens). None may answer 5xx; every error is JSON with a message; the server still serves
 * afterwards.
 */
class HttpApiFuzzTest {
  private static final int DIM = SeededServer.DIM;
  private static final int REQUESTS = 10_000;
  private static final String TOKEN = SeededServer.TOKEN;
  private final ObjectMapper json = new ObjectMapper();
  @RegisterExtension static final SeededServer.PerClass SERVER = new SeededServer.PerClass(TOKEN);

  @Test
  void everyEndpointButHealthNeedsTheBearerToken() throws Exception {
    assertThat(send("GET", "/health", null, null).statusCode()).isEqualTo(200);
    for (String path :
        List.of(
            "/v1/status",
            "/ready",
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
  void tenThousandHostileRequestsGetA4xxWithAMessageAndNever5xx() throws Exception {
    Random random = new Random(20261202);
    Map<Integer, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      Request r = randomRequest(random);
      HttpResponse<String> response = send(r.method, r.path, r.body, r.auth);
      int code = response.statusCode();
      statuses.merge(code, 1, Integer::sum);
      assertThat(code)
          .as("%s %s body %s", r.method, abbreviate(r.path), abbreviate(r.body))
          .isLessThan(500);
      if (code >= 400 && !r.method.equals("HEAD")) {
        JsonNode error;
        try {
          error = json.readTree(response.body());
        } catch (java.io.IOException e) {
          error = null;
        }
        assertThat(error != null && error.path("error").isTextual())
            .as("%s %s -> %d %s", r.method, abbreviate(r.path), code, abbreviate(response.body()))
            .isTrue();
      }
    }
    System.out.println("HttpApiFuzzTest statuses of " + REQUESTS + " requests: " + statuses);
    assertThat(statuses.keySet()).contains(200, 400, 401, 404);
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
      case 5 ->
          new Request(
              "POST",
              "/v1/admin/snapshot",
              pick(
                  r,
                  "{}",
                  "{\"path\":\"\"}",
                  "{\"path\":\"\\u0000\"}",
                  "{\"path\":17}",
                  "[]",
                  garbage(r)),
              auth);
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
    return r.nextInt(10) == 0
        ? body.substring(0, r.nextInt(body.length()))
        : body; // sometimes truncated
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

package io.towerstream.store.http;

import static io.towerstream.store.http.SeededServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The body limit holds for the bytes a client sends, not for what it declares: a chunked body over
 * {@value HttpApi#MAX_BODY_BYTES} bytes is cut off with 413, a declared length over it is refused
 * before a byte is read (a client that lies about it gets an answer, not a handler waiting for
 * bytes that never come), and broken chunked encoding is the client's 400. Over raw sockets, on
 * every route that takes a body.
 */
class RequestBodyLimitsTest {
  private static final Duration PROMPTLY = Duration.ofSeconds(10);
  private final ObjectMapper json = new ObjectMapper();
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"/v1/candidates", "/v1/candidates:batch", "/v1/admin/snapshot"})
  void aChunkedBodyOverTheLimitIsCutOffWith413(String route) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      byte[] tenMegabytes = ("{\"vector\":[" + "0.125,".repeat(1_700_000) + "1]}").getBytes();
      RawHttp.Response r =
          RawHttp.exchange(
              server.port(),
              head(route) + "Transfer-Encoding: chunked\r\n",
              RawHttp.chunked(tenMegabytes, 64 << 10),
              PROMPTLY);
      assertJsonError(r, 413, "over " + HttpApi.MAX_BODY_BYTES + " bytes");
      assertStillServes(server);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/candidates", "/v1/candidates:batch", "/v1/admin/snapshot"})
  void aDeclaredLengthOverTheLimitIsRefusedBeforeReading(String route) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      for (String length : List.of("4294967296", Long.toString(HttpApi.MAX_BODY_BYTES + 1))) {
        // some of the body, or none: the answer may not wait for bytes that never come
        for (String sent : List.of("{\"vector\":[1]}", "")) {
          RawHttp.Response r =
              RawHttp.exchange(
                  server.port(),
                  head(route) + "Content-Length: " + length + "\r\n",
                  sent.getBytes(StandardCharsets.US_ASCII),
                  PROMPTLY);
          assertJsonError(r, 413, "over " + HttpApi.MAX_BODY_BYTES + " bytes");
        }
      }
      assertStillServes(server);
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "zz\r\n{}\r\n0\r\n\r\n", // not hexadecimal
        "FFFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n", // overflows
        "2\r\n{}XX0\r\n\r\n", // no CRLF after the data
      })
  void malformedChunkedEncodingIsTheClients400(String body) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      for (String route : List.of("/v1/candidates", "/v1/candidates:batch", "/v1/admin/snapshot")) {
        RawHttp.Response r =
            RawHttp.exchange(
                server.port(),
                head(route) + "Transfer-Encoding: chunked\r\n",
                body.getBytes(StandardCharsets.US_ASCII),
                PROMPTLY);
        assertThat(r.status()).as("%s %s", route, r.body()).isEqualTo(400);
        assertThat(json.readTree(r.body()).path("error").asText()).isNotBlank();
      }
      assertStillServes(server);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 4096})
  void aChunkedBodyUnderTheLimitIsAnsweredAsAnyOther(int chunk) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      byte[] body = "{\"vector\":[1,0,0,0,0,0,0,0],\"k\":3}".getBytes(StandardCharsets.US_ASCII);
      RawHttp.Response r =
          RawHttp.exchange(
              server.port(),
              head("/v1/candidates") + "Transfer-Encoding: chunked\r\n",
              RawHttp.chunked(body, chunk),
              PROMPTLY);
      assertThat(r.status()).as(r.body()).isEqualTo(200);
      assertThat(json.readTree(r.body()).get("candidates")).hasSize(3);
    }
  }

  private static String head(String route) {
    return "POST "
        + route
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + TOKEN
        + "\r\nContent-Type: application/json\r\n";
  }

  private void assertJsonError(RawHttp.Response r, int status, String message) throws Exception {
    assertThat(r.answered()).as("an answer within %s, got %s", PROMPTLY, r.body()).isTrue();
    assertThat(r.status()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().get("content-type")).startsWith("application/json");
    assertThat(json.readTree(r.body()).path("error").asText()).contains(message);
  }

  private static void assertStillServes(SeededServer server) throws Exception {
    assertThat(server.postJson("/v1/candidates", "{\"vector\":[1,0,0,0,0,0,0,0]}").statusCode())
        .isEqualTo(200);
  }
}

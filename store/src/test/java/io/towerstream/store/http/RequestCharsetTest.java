package io.towerstream.store.http;

import static io.towerstream.store.http.SeededServer.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * JSON is UTF-8 (RFC 8259): a body declared in another charset, an unknown one or an empty one is
 * the client's 415, a body that is not valid UTF-8 its 400, and a charset on a request without a
 * body changes nothing. None of them is the store's 500.
 */
class RequestCharsetTest {
  private static final String VECTOR = "{\"vector\":[1,0,0,0,0,0,0,0],\"k\":2}";
  private final ObjectMapper json = new ObjectMapper();

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=x-bogus",
        "application/json; charset=",
        "application/json;charset",
        "application/json; charset=ISO-8859-1",
        "application/json; charset=UTF-16",
        "application/json; charset=\"x\u00e9\"",
      })
  void aBodyInAnyCharsetButUtf8Is415(String contentType) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      for (String route : new String[] {"/v1/candidates", "/v1/candidates:batch"}) {
        String body = route.endsWith("batch") ? "{\"queries\":[" + VECTOR + "]}" : VECTOR;
        HttpResponse<String> r = server.send("POST", route, contentType, body, "Bearer " + TOKEN);
        assertError(r, 415, "UTF-8");
      }
      assertError(
          server.send(
              "POST", "/v1/admin/snapshot", contentType, "{\"path\":\"x\"}", "Bearer " + TOKEN),
          415,
          "UTF-8");
      assertThat(dir.resolve("snapshots")).doesNotExist();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "application/json; charset=utf-8",
        "application/json; charset=UTF-8",
        "application/json;charset=\"utf-8\"",
        "application/json"
      })
  void utf8DeclaredOrNotIsServed(String contentType) throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      HttpResponse<String> r =
          server.send("POST", "/v1/candidates", contentType, VECTOR, "Bearer " + TOKEN);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
  }

  @Test
  void aBodyThatIsNotUtf8Is400() throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      byte[] latin1 =
          "{\"vector\":[1,0,0,0,0,0,0,0],\"exclude\":[\"caf\u00e9\"]}"
              .getBytes(StandardCharsets.ISO_8859_1);
      RawHttp.Response r =
          RawHttp.exchange(
              server.port(),
              "POST /v1/candidates HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                  + TOKEN
                  + "\r\nContent-Type: application/json\r\nContent-Length: "
                  + latin1.length
                  + "\r\n",
              latin1,
              Duration.ofSeconds(10));
      assertThat(r.status()).as(r.body()).isEqualTo(400);
      assertThat(json.readTree(r.body()).path("error").asText()).contains("UTF-8");
    }
  }

  @Test
  void aCharsetOnARequestWithoutABodyChangesNothing() throws Exception {
    try (SeededServer server = SeededServer.guarded(dir, TOKEN)) {
      for (String contentType :
          new String[] {"text/plain; charset=x-bogus", "application/json; charset="}) {
        HttpResponse<String> r =
            server.send(
                "GET",
                "/v1/users/u1/candidates?k=3&exclude=i1",
                contentType,
                null,
                "Bearer " + TOKEN);
        assertThat(r.statusCode()).as(contentType + ": " + r.body()).isEqualTo(200);
        assertThat(json.readTree(r.body()).get("candidates")).hasSize(3);
        HttpResponse<String> item =
            server.send("GET", "/v1/embeddings/item/i%31", contentType, null, "Bearer " + TOKEN);
        assertThat(item.statusCode()).as(contentType + ": " + item.body()).isEqualTo(200);
        assertThat(json.readTree(item.body()).get("id").asText()).isEqualTo("i1");
      }
    }
  }

  private void assertError(HttpResponse<String> r, int status, String message) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    String error = json.readTree(r.body()).path("error").asText();
    assertThat(error).contains(message).doesNotContain("Exception", "java.");
  }
}

package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a request means is never guessed: a query parameter that cannot be decoded is a 400 naming
 * it, never a parameter silently left at its default.
 */
class StrictParsingTest {
  @RegisterExtension static final SeededServer.PerClass SERVER = new SeededServer.PerClass(null);
  private final ObjectMapper json = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/users/u1/candidates?k=%zz",
        "/v1/users/u1/candidates?k=3&exclude=%",
        "/v1/users/u1/candidates?exclude=i1%2",
        "/v1/users/u1/candidates?k=3&exclude=%FF", // a byte that is not UTF-8
        "/v1/users/u1/candidates?k=3&exclude=%C3", // a sequence cut short
        "/v1/items/i1/similar?k=%G1",
        "/v1/status/history?since=%%31",
        "/v1/users/u1/candidates?k%zz=3",
      })
  void aQueryParameterThatCannotBeDecodedIs400(String path) throws Exception {
    assertThat(answer(path, 400).path("error").asText()).contains("query parameter");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/v1/users/u1/candidates?k=%33",
        "/v1/users/u1/candidates?k=3&exclude=caf%C3%A9,%E2%98%83",
        "/v1/users/u1/candidates?k=3&&exclude=",
        "/v1/users/u1/candidates?exclude=a+b&k=3",
      })
  void wellFormedEscapesAreDecodedAsUtf8(String path) throws Exception {
    assertThat(answer(path, 200).get("candidates")).hasSize(3);
  }

  /** The JSON answer to {@code GET path}, sent as written, after checking its status. */
  private JsonNode answer(String path, int status) throws Exception {
    RawHttp.Response r = RawHttp.get(SERVER.server().port(), path);
    assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(status);
    return json.readTree(r.body());
  }
}

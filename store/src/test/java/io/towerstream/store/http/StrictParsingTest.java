package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a request means is never guessed: a query parameter that cannot be decoded is a 400 naming
 * it, never a parameter silently left at its default; a JSON body with a key twice (which one
 * counts?) or anything after its object (a second request glued on?) is a 400, never the last key
 * or the first object silently taken.
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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0],"k":2,"k":5}
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0],"vector":[0,1,0,0,0,0,0,0]}
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0],"exclude":[],"bias":true,"bias":false}
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0]} {"k":1}
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0]}{}
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0]}garbage
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0]}]
          /v1/candidates       | {"vector":[1,0,0,0,0,0,0,0]} 3
          /v1/candidates:batch | {"queries":[{"userId":"u1"}],"queries":[{"userId":"u2"}]}
          /v1/candidates:batch | {"queries":[{"userId":"u1","userId":"u2"}]}
          /v1/candidates:batch | {"queries":[{"itemId":"i1","k":1,"k":2}]}
          /v1/candidates:batch | {"queries":[{"userId":"u1"}]}{"queries":[]}
          """)
  void aBodyWithADuplicateKeyOrTrailingContentIs400(String route, String body) throws Exception {
    assertThat(post(route, body, 400)).contains("JSON");
  }

  @Test
  void whitespaceAroundTheObjectIsFine() throws Exception {
    assertThat(
            SERVER
                .server()
                .postJson("/v1/candidates", " \n{\"vector\":[1,0,0,0,0,0,0,0],\"k\":2}\r\n\t ")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void aBodyBeyondTheParsersLimitsIs400WithoutNamingItsClasses() throws Exception {
    String deep = "{\"vector\":" + "[".repeat(2_000) + "1" + "]".repeat(2_000) + "}";
    assertThat(post("/v1/candidates", deep, 400))
        .contains("JSON")
        .doesNotContain("`", "StreamReadConstraints", "com.fasterxml", "Exception");
  }

  /** The error of {@code POST path} with a JSON {@code body}, after checking its status. */
  private String post(String path, String body, int status) throws Exception {
    HttpResponse<String> r = SERVER.server().postJson(path, body);
    assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(status);
    return json.readTree(r.body()).path("error").asText();
  }

  /** The JSON answer to {@code GET path}, sent as written, after checking its status. */
  private JsonNode answer(String path, int status) throws Exception {
    RawHttp.Response r = RawHttp.get(SERVER.server().port(), path);
    assertThat(r.status()).as(path + " -> " + r.body()).isEqualTo(status);
    return json.readTree(r.body());
  }
}

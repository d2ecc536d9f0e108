package io.towerstream.store.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A store bound to loopback answers only requests addressed to a loopback name: a page whose own
 * name an attacker rebinds to 127.0.0.1 (DNS rebinding) reaches the port, but its requests carry
 * its name in {@code Host}, and are refused before any route, open ones included. Names an operator
 * adds with {@code --http-allowed-hosts} are served too; a store bound to other interfaces checks
 * nothing (it is meant to be reached by any name).
 */
class HostHeaderTest {
  @RegisterExtension static final SeededServer.PerClass SERVER = new SeededServer.PerClass(null);
  private final ObjectMapper json = new ObjectMapper();

  /** Query, status, open and unknown routes alike. */
  private static final List<String> ROUTES =
      List.of("/v1/users/u1/candidates", "/v1/status", "/health", "/", "/v1/no-such-route");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "evil.example",
        "evil.example:8080",
        "localhost.evil.example",
        "localhost.",
        "127.0.0.1.nip.io",
        "10.0.0.7",
        "[::2]:80",
        "localhost:80:80",
        "[::1",
      })
  void aLoopbackStoreRefusesRequestsAddressedToAnyOtherName(String host) throws Exception {
    for (String route : ROUTES) {
      RawHttp.Response r = get(SERVER.server(), route, host);
      assertThat(r.status()).as("%s with Host %s: %s", route, host, r.body()).isIn(400, 403);
      if (r.status() == 403) {
        assertThat(json.readTree(r.body()).path("error").asText()).contains("--http-allowed-hosts");
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"localhost", "LocalHost:8080", "127.0.0.1", "127.0.0.1:1", "[::1]", "[::1]:80"})
  void loopbackNamesWithOrWithoutAPortAreServed(String host) throws Exception {
    RawHttp.Response r = get(SERVER.server(), "/v1/users/u1/candidates", host);
    assertThat(r.status()).as("Host %s: %s", host, r.body()).isEqualTo(200);
  }

  @Test
  void namesAnOperatorAllowsAreServedToo(@TempDir Path dir) throws Exception {
    try (SeededServer server =
        SeededServer.start(
            dir,
            (store, metrics) ->
                HttpApi.Extras.NONE.withAllowedHosts(Set.of("store.internal", "Proxy.Example")))) {
      assertThat(get(server, "/v1/status", "store.internal:8080").status()).isEqualTo(200);
      assertThat(get(server, "/v1/status", "proxy.example").status()).isEqualTo(200);
      assertThat(get(server, "/v1/status", "localhost").status()).isEqualTo(200);
      assertThat(get(server, "/v1/status", "store.internal.evil.example").status()).isEqualTo(403);
    }
  }

  @Test
  void onlyALoopbackBindIsGuarded() {
    assertThat(HostCheck.forBind("127.0.0.1", Set.of())).isPresent();
    assertThat(HostCheck.forBind("localhost", Set.of())).isPresent();
    assertThat(HostCheck.forBind("::1", Set.of())).isPresent();
    assertThat(HostCheck.forBind("127.0.0.2", Set.of())).isPresent();
    assertThat(HostCheck.forBind("0.0.0.0", Set.of())).isEmpty();
    assertThat(HostCheck.forBind("::", Set.of())).isEmpty();
  }

  private static RawHttp.Response get(SeededServer server, String route, String host)
      throws Exception {
    return RawHttp.exchange(
        server.port(),
        "GET " + route + " HTTP/1.1\r\nHost: " + host + "\r\n",
        new byte[0],
        Duration.ofSeconds(10));
  }
}

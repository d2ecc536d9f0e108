package io.towerstream.store.http;

import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

/**
 * Requires {@code Authorization: Bearer <token>} on every request but the open paths (the probes).
 * The comparison takes the same time whatever the sent token, so response times do not leak how
 * much of it matched.
 */
final class BearerAuth {
  /**
   * The liveness and readiness probes (an orchestrator's probe carries no token; readiness tells
   * only whether the replica caught up, and its lag), and the dashboard's static page and assets
   * (no data; its API calls send the token).
   */
  static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/");

  private static final String PREFIX = "Bearer ";

  private final byte[] expected;

  BearerAuth(String token) {
    this.expected = token.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * @throws UnauthorizedResponse when the path needs the token and the request lacks it or sends
   *     another
   */
  void check(Context ctx) {
    if (OPEN_PATHS.contains(ctx.path()) || ctx.path().startsWith(Dashboard.PREFIX)) {
      return;
    }
    String header = ctx.header("Authorization");
    boolean ok =
        header != null
            && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
            && MessageDigest.isEqual(
                expected,
                header.substring(PREFIX.length()).trim().getBytes(StandardCharsets.US_ASCII));
    if (!ok) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"towerstream\"");
      throw new UnauthorizedResponse(
          header == null
              ? "missing bearer token: send Authorization: Bearer <token>"
              : "wrong bearer token");
    }
  }
}

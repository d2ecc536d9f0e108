package io.towerstream.store.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The defence of a loopback-bound store against DNS rebinding. A web page on {@code evil.example}
 * can make its own name resolve to 127.0.0.1, and then its scripts read the store's answers as
 * same-origin ones; but each of their requests still says {@code Host: evil.example}. So a store
 * bound to loopback serves only requests addressed to {@code localhost}, {@code 127.0.0.1}, {@code
 * [::1]} or its own bind address (with any port), plus the names an operator allows ({@code
 * --http-allowed-hosts}, e.g. a proxy's); others get a 403 before any route runs. A request without
 * a {@code Host} header (HTTP/1.0) is served: browsers always send one. A store bound to other
 * interfaces is meant to be reached by any name and checks nothing; the bearer token guards it.
 */
final class HostCheck {
  private static final Pattern PORT = Pattern.compile(":[0-9]{1,5}");

  private final Set<String> allowed;

  private HostCheck(Set<String> allowed) {
    this.allowed = allowed;
  }

  /**
   * The check for a server bound to {@code bindHost}; empty when that is not a loopback address.
   */
  static Optional<HostCheck> forBind(String bindHost, Set<String> extraHosts) {
    if (!isLoopback(bindHost)) {
      return Optional.empty();
    }
    Set<String> allowed = new HashSet<>(Set.of("localhost", "127.0.0.1", "[::1]"));
    String bind = bindHost.toLowerCase(Locale.ROOT);
    allowed.add(bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind);
    extraHosts.forEach(h -> allowed.add(h.toLowerCase(Locale.ROOT)));
    return Optional.of(new HostCheck(Set.copyOf(allowed)));
  }

  /**
   * @throws HttpResponseException 403 when the request is addressed to a name not allowed
   */
  void check(Context ctx) {
    String host = ctx.header("Host");
    String name = host == null ? null : withoutPort(host.strip());
    if (host == null || name != null && allowed.contains(name.toLowerCase(Locale.ROOT))) {
      return;
    }
    throw new HttpResponseException(
        403,
        "this store binds to loopback and answers only requests addressed to localhost,"
            + " 127.0.0.1 or [::1], not '"
            + (host.length() <= 60 ? host : host.substring(0, 60) + "…")
            + "' (a proxy's name can be allowed with --http-allowed-hosts)");
  }

  /** {@code name} of {@code name:port}, {@code [v6]} of {@code [v6]:port}; null if malformed. */
  private static String withoutPort(String host) {
    int end = host.startsWith("[") ? host.indexOf(']') + 1 : host.indexOf(':');
    if (end <= 0) {
      return end < 0 ? host : null; // no port; or an unclosed '['
    }
    String port = host.substring(end);
    return port.isEmpty() || PORT.matcher(port).matches() ? host.substring(0, end) : null;
  }

  private static boolean isLoopback(String bindHost) {
    try {
      return InetAddress.getByName(bindHost).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false; // the server cannot bind it either, and says so
    }
  }
}

package org.apache.flink.metrics.prometheus;

import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, serving on one address instead of every interface: Flink 2.2's own
 * {@link PrometheusReporter} binds the wildcard address and has no option for it. It lives in
 * Flink's package for one reason: the metrics registry it serves is package-private in {@link
 * AbstractPrometheusReporter}. Everything but the bind address (metric names, labels, the port
 * range) is Flink's.
 */
public final class BoundPrometheusReporter extends AbstractPrometheusReporter {
  private final HTTPServer server;

  BoundPrometheusReporter(String host, PortRange ports) {
    HTTPServer started = null;
    for (Iterator<Integer> it = ports.getPortsIterator(); it.hasNext() && started == null; ) {
      int port = it.next();
      try {
        started = new HTTPServer(new InetSocketAddress(host, port), registry, true);
        log.info("Started the Prometheus reporter's HTTP server on {}:{}", host, port);
      } catch (IOException e) {
        log.debug("Could not start the Prometheus reporter's HTTP server on {}:{}", host, port, e);
      }
    }
    if (started == null) {
      throw new IllegalStateException(
          "could not start the Prometheus reporter's HTTP server on " + host + ", ports " + ports);
    }
    server = started;
  }

  /** The port it serves on. */
  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.stop();
    super.close();
  }
}

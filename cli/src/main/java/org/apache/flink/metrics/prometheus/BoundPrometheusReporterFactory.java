package org.apache.flink.metrics.prometheus;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Creates a {@link BoundPrometheusReporter}: {@code metrics.reporter.<name>.factory.class} set to
 * this class, {@code .host} the address to serve on (default {@code 127.0.0.1}), {@code .port} a
 * port or range as for Flink's own reporter (default 9249).
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {
  static final String ARG_HOST = "host";
  static final String DEFAULT_HOST = "127.0.0.1";

  @Override
  public BoundPrometheusReporter createMetricReporter(Properties properties) {
    return new BoundPrometheusReporter(
        properties.getProperty(ARG_HOST, DEFAULT_HOST),
        new PortRange(properties.getProperty("port", "9249")));
  }
}

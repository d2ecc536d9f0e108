package io.towerstream.store.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.towerstream.store.index.IndexStats;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.rocks.EmbeddingStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The store's Prometheus metrics (one registry per store, so several stores in one JVM, as in
 * tests, do not clash). Request figures are recorded by the HTTP layer; everything else is read at
 * scrape time from the live objects, so a scrape always shows the current values and the hot paths
 * pay nothing.
 *
 * <p>Names: {@code towerstream_store_http_requests_total} and {@code
 * towerstream_store_http_request_duration_seconds} (labels {@code route}, {@code method}, {@code
 * status}); {@code towerstream_store_consumer_lag_records}, {@code towerstream_store_index_items},
 * {@code towerstream_store_index_graph_items}, {@code towerstream_store_index_delta_items}, {@code
 * towerstream_store_index_stale_nodes}, {@code towerstream_store_index_rebuilds_total}, {@code
 * towerstream_store_index_merges_total}, {@code towerstream_store_index_building}, {@code
 * towerstream_store_updates_applied_total}, {@code towerstream_store_updates_stale_total}, {@code
 * towerstream_store_updates_malformed_total}, {@code towerstream_store_dead_letters_total}, {@code
 * towerstream_store_deletes_applied_total}, {@code towerstream_store_ingest_failures_total}, {@code
 * towerstream_store_write_failures_total}, {@code towerstream_store_writable}, {@code
 * towerstream_store_newest_update_age_seconds}, {@code towerstream_store_rocksdb_size_bytes},
 * {@code towerstream_store_update_visible_seconds} (histogram).
 */
public final class StoreMetrics {
  private static final String PREFIX = "towerstream_store_";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final Counter requests;
  private final Histogram requestSeconds;

  public StoreMetrics(
      IngestMetrics ingest, ItemIndex index, EmbeddingStore store, LongSupplier newestUpdateAgeMs) {
    requests =
        Counter.builder()
            .name(PREFIX + "http_requests")
            .help(
                "HTTP requests answered, by route template, method and status (rate() of it is the QPS)")
            .labelNames("route", "method", "status")
            .register(registry);
    requestSeconds =
        Histogram.builder()
            .name(PREFIX + "http_request_duration_seconds")
            .help("HTTP request latency, by route template, method and status")
            .labelNames("route", "method", "status")
            .classicUpperBounds(
                0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
            .register(registry);
    registry.register(ingest.visibleSeconds());

    gauge(
        "consumer_lag_records",
        "Records behind the ends of the consumed topics (-1: not measured yet)",
        () -> (double) ingest.consumerLag());
    gauge(
        "kafka_reachable",
        "1 while the broker answers, 0 during an outage (the store then serves what it has)",
        () -> ingest.kafkaReachable(System.currentTimeMillis()) ? 1.0 : 0.0);
    gauge(
        "newest_update_age_seconds",
        "Now minus the updatedAt of the newest stored update (-1: none)",
        () -> newestUpdateAgeMs.getAsLong() < 0 ? -1 : newestUpdateAgeMs.getAsLong() / 1000.0);
    gauge(
        "rocksdb_size_bytes",
        "RocksDB's estimate of live data plus memtables",
        () -> (double) store.sizeEstimateBytes());
    Supplier<IndexStats> stats = index::stats;
    indexGauge(stats, "index_items", "Items queries can return", IndexStats::items);
    indexGauge(
        stats, "index_graph_items", "Items answered from the ANN graph", IndexStats::graphItems);
    indexGauge(
        stats,
        "index_delta_items",
        "Items answered exactly from the delta of recent changes",
        IndexStats::deltaItems);
    indexGauge(
        stats,
        "index_stale_nodes",
        "Graph nodes holding an old vector (never returned; dropped on rebuild)",
        IndexStats::staleNodes);
    indexGauge(
        stats, "index_building", "1 while a full graph build runs", s -> s.building() ? 1 : 0);
    counter(
        "index_rebuilds",
        "Full graph builds completed since start",
        () -> index.stats().rebuilds());
    counter(
        "index_merges",
        "Merges of the delta into the graph since start",
        () -> index.stats().merges());
    counter(
        "updates_applied",
        "Updates that superseded the stored vector, since start",
        ingest::updatesApplied);
    counter(
        "updates_stale",
        "Updates ignored as older than the stored vector, since start",
        ingest::staleIgnored);
    counter(
        "updates_malformed",
        "Records skipped as undecodable or invalid, since start",
        ingest::malformedUpdates);
    counter(
        "dead_letters",
        "Skipped records written to the dead-letter topic, since start",
        ingest::deadLetters);
    counter(
        "deletes_applied",
        "Tombstones that removed a stored vector, since start",
        ingest::deletesApplied);
    counter(
        "ingest_failures", "Times the consumer loop failed and restarted", ingest::ingestFailures);
    counter(
        "write_failures",
        "Batches RocksDB refused to write (a full disk, an I/O error), since start",
        ingest::storeWriteFailures);
    gauge(
        "writable",
        "1 while RocksDB takes writes, 0 from a refused write until it is reopened (ingest pauses)",
        () -> ingest.storeWritable() ? 1.0 : 0.0);
  }

  /** Records one answered request; {@code route} is the matched route template (or "unmatched"). */
  public void observeRequest(String route, String method, int status, double seconds) {
    String s = Integer.toString(status);
    requests.labelValues(route, method, s).inc();
    requestSeconds.labelValues(route, method, s).observe(seconds);
  }

  /** A scrape in the format the {@code Accept} header asks for (Prometheus text by default). */
  public Scrape scrape(String acceptHeader) {
    ExpositionFormatWriter writer = formats.findWriter(acceptHeader);
    ByteArrayOutputStream out = new ByteArrayOutputStream(16_384);
    try {
      writer.write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Scrape(writer.getContentType(), out.toByteArray());
  }

  /** One scrape's body and its content type. */
  public record Scrape(String contentType, byte[] body) {}

  private void gauge(String name, String help, Supplier<Double> value) {
    GaugeWithCallback.builder()
        .name(PREFIX + name)
        .help(help)
        .callback(cb -> cb.call(value.get()))
        .register(registry);
  }

  private void indexGauge(
      Supplier<IndexStats> stats, String name, String help, ToDoubleFunction<IndexStats> value) {
    gauge(name, help, () -> value.applyAsDouble(stats.get()));
  }

  private void counter(String name, String help, LongSupplier value) {
    CounterWithCallback.builder()
        .name(PREFIX + name)
        .help(help)
        .callback(cb -> cb.call(value.getAsLong()))
        .register(registry);
  }
}

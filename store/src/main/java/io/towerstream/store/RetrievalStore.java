package io.towerstream.store;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.http.HttpApi;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.EmbeddingIngestor;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.query.StoreStatus;
import io.towerstream.store.rocks.EmbeddingStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retrieval store replica: RocksDB, the item index, the ingest thread and the HTTP API. Usage:
 * {@code open(config)} (opens RocksDB and rebuilds the index from it, no Kafka needed), {@code start()}
 * (starts consuming and serving), {@code port()}, {@code status()}, {@code close()}.
 *
 * <p>For in-process callers (the CLI's demo and evaluation) {@link #service()} answers the same queries as
 * the HTTP API without a network hop.
 */
public final class RetrievalStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RetrievalStore.class);
  private static final int REBUILD_CHUNK = 4096;

  private final StoreConfig config;
  private final EmbeddingStore store;
  private final ItemIndex index;
  private final IngestMetrics metrics = new IngestMetrics();
  private final RetrievalService service;
  private final StatusReporter status;
  private final EmbeddingIngestor ingestor;
  private HttpApi http;
  private boolean closed;
  private volatile boolean caughtUpOnce;

  private RetrievalStore(StoreConfig config, EmbeddingStore store, ItemIndex index) {
    this.config = config;
    this.store = store;
    this.index = index;
    this.service = new RetrievalService(store, index);
    this.status = new StatusReporter(store, index, metrics);
    this.ingestor = new EmbeddingIngestor(config, store, new BatchApplier(store, index, metrics), metrics);
  }

  /** Opens RocksDB at {@code config.dbPath()} and rebuilds the item index from it; consumes nothing yet. */
  public static RetrievalStore open(StoreConfig config) {
    EmbeddingStore store = EmbeddingStore.open(config.dbPath());
    try {
      ItemIndex index = newIndex(config.indexKind());
      rebuild(store, index);
      return new RetrievalStore(config, store, index);
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
  }

  /** Starts the ingest thread and the HTTP server; idempotent. */
  public synchronized RetrievalStore start() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
    if (http == null) {
      ingestor.start();
      http = HttpApi.start(service, status, config.httpHost(), config.httpPort(), this::readinessLag);
    }
    return this;
  }

  /** The bound HTTP port (the real one when configured as 0). */
  public synchronized int port() {
    if (http == null) {
      throw new IllegalStateException("the store is not started");
    }
    return http.port();
  }

  public StoreStatus status() {
    return status.snapshot();
  }

  /** The {@code /v1/status} document: {@link #status()} plus every contributor's fields. */
  public Map<String, Object> statusDocument() {
    return new LinkedHashMap<>(status.document());
  }

  /** Adds fields to {@code /v1/status} (e.g. the demo's {@code replayDone}); called on every request. */
  public void addStatusContributor(Supplier<Map<String, Object>> contributor) {
    status.addContributor(contributor);
  }

  /** Queries without HTTP. */
  public RetrievalService service() {
    return service;
  }

  public StoreConfig config() {
    return config;
  }

  /** Whether this replica has caught up with the topics at least once since it started. */
  public boolean isCaughtUp() {
    if (!caughtUpOnce && metrics.lagMeasuredAt() >= 0 && metrics.consumerLag() == 0) {
      caughtUpOnce = true;
    }
    return caughtUpOnce;
  }

  /**
   * Waits until a lag measurement taken after this call reports 0, i.e. everything produced before the call
   * has been applied. Returns false on timeout.
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    long calledAt = System.currentTimeMillis();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (metrics.lagMeasuredAt() > calledAt && metrics.consumerLag() == 0) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }

  /** Stops serving, then consuming, then closes RocksDB; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (http != null) {
        http.close();
      }
    } finally {
      try {
        ingestor.close();
      } finally {
        try {
          index.close();
        } finally {
          store.close();
        }
      }
    }
  }

  private long readinessLag() {
    return isCaughtUp() ? 0 : metrics.consumerLag();
  }

  private static ItemIndex newIndex(IndexKind kind) {
    return switch (kind) {
      case EXACT -> new ExactItemIndex();
    };
  }

  private static void rebuild(EmbeddingStore store, ItemIndex index) {
    long started = System.nanoTime();
    Map<String, float[]> chunk = new LinkedHashMap<>();
    store.forEach(Entity.ITEM, (id, v) -> {
      chunk.put(id, v.vector());
      if (chunk.size() == REBUILD_CHUNK) {
        index.upsertAll(chunk);
        chunk.clear();
      }
    });
    index.upsertAll(chunk);
    LOG.info("rebuilt the item index from {}: {} items in {} ms", store.path(), index.size(),
        (System.nanoTime() - started) / 1_000_000);
  }
}

package io.towerstream.store;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.http.HttpApi;
import io.towerstream.store.http.SnapshotTaker;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.GraphItemIndex;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ItemVector;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.EmbeddingIngestor;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.metrics.StoreMetrics;
import io.towerstream.store.query.ItemTitles;
import io.towerstream.store.query.Readiness;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.StatusReporter;
import io.towerstream.store.query.StoreStatus;
import io.towerstream.store.rocks.EmbeddingStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One retrieval store replica: RocksDB, the item index, the ingest thread and the HTTP API. Usage:
 * {@code open(config)} (opens RocksDB and rebuilds the index from it, no Kafka needed), {@code
 * start()} (starts consuming and serving), {@code port()}, {@code status()}, {@code close()}.
 *
 * <p>For in-process callers (the CLI's demo and evaluation) {@link #service()} answers the same
 * queries as the HTTP API without a network hop.
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
  private final StoreMetrics prometheus;

  /** Read before RocksDB opens, so a bad file fails the start and not the first query. */
  private final Map<String, String> titles;

  private HttpApi http;
  private boolean closed;
  private volatile boolean caughtUpOnce;

  private RetrievalStore(
      StoreConfig config, EmbeddingStore store, ItemIndex index, Map<String, String> titles) {
    this.config = config;
    this.titles = titles;
    this.store = store;
    this.index = index;
    this.service = new RetrievalService(store, index);
    this.status = new StatusReporter(store, index, metrics);
    this.ingestor =
        new EmbeddingIngestor(
            config.ingestSettings(),
            store,
            new BatchApplier(store, index, metrics, config.maxModelVersionLead()),
            metrics);
    this.prometheus = new StoreMetrics(metrics, index, store, status::newestUpdateAgeMs);
  }

  /**
   * Opens RocksDB at {@code config.dbPath()} and rebuilds the item index from it; consumes nothing
   * yet.
   */
  public static RetrievalStore open(StoreConfig config) {
    LOG.info("opening the retrieval store with {}", config); // secrets masked
    Map<String, String> titles =
        config.itemTitles() == null ? Map.of() : ItemTitles.read(config.itemTitles());
    EmbeddingStore store = EmbeddingStore.open(config.dbPath());
    try {
      ItemIndex index = newIndex(config);
      try {
        rebuild(store, index);
      } catch (RuntimeException e) {
        index.close();
        throw e;
      }
      return new RetrievalStore(config, store, index, titles);
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
      http =
          HttpApi.start(
              service,
              status,
              config.httpHost(),
              config.httpPort(),
              this::readiness,
              HttpApi.Extras.NONE
                  .withMetrics(prometheus)
                  .withSnapshots(snapshotTaker(store), config.snapshotDir())
                  .withBearerToken(config.authToken())
                  .withItemTitles(titles)
                  .withAllowedHosts(config.httpAllowedHosts()));
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

  /**
   * Adds fields to {@code /v1/status} (e.g. the demo's {@code replayDone}); called on every
   * request.
   */
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

  /**
   * The Prometheus metrics served at {@code /metrics} (an embedding process may scrape them
   * itself).
   */
  public StoreMetrics metrics() {
    return prometheus;
  }

  /**
   * Writes a consistent backup of this replica (vectors, Kafka offsets and counters of one instant)
   * into {@code target}, which must not exist; the store keeps serving and consuming meanwhile.
   * Restore it with {@link #restoreSnapshot}. Also {@code POST /v1/admin/snapshot}.
   *
   * @throws IllegalArgumentException when {@code target} exists
   */
  public Snapshot snapshot(Path target) {
    return Snapshot.take(store, target);
  }

  /**
   * What {@link #snapshot} wrote: where, how many users and items (at least; updates applied while
   * it ran may be included), its size on disk (hard-linked files count in full) and how long it
   * took.
   */
  public record Snapshot(Path path, long users, long items, long sizeBytes, long tookMs) {
    /**
     * Checkpoints {@code store} into {@code target}, which must not exist.
     *
     * @throws IllegalArgumentException when {@code target} exists
     */
    static Snapshot take(EmbeddingStore store, Path target) {
      long started = System.nanoTime();
      store.checkpoint(target);
      long tookMs = (System.nanoTime() - started) / 1_000_000;
      LOG.info("snapshot of {} written to {} in {} ms", store.path(), target, tookMs);
      return new Snapshot(
          target.toAbsolutePath(),
          store.stats().users(),
          store.stats().items(),
          directorySize(target),
          tookMs);
    }

    /** The answer of {@code POST /v1/admin/snapshot}. */
    Map<String, Object> document() {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("path", path.toString());
      doc.put("users", users);
      doc.put("items", items);
      doc.put("sizeBytes", sizeBytes);
      doc.put("tookMs", tookMs);
      return doc;
    }
  }

  /**
   * What serves {@code POST /v1/admin/snapshot} over {@code store}: {@link #snapshot} as JSON
   * fields. The route decides where it may write; this writes where it is told.
   */
  public static SnapshotTaker snapshotTaker(EmbeddingStore store) {
    return target -> Snapshot.take(store, target).document();
  }

  /**
   * Restores a snapshot taken by {@link #snapshot} into {@code dbPath}, ready for {@link #open}:
   * the store opened there has the snapshot's vectors and resumes consuming after the snapshot's
   * offsets. Refuses a {@code dbPath} that exists and is not empty (it never overwrites a store);
   * checks that the copy opens as a store and removes it again if it does not. Returns the restored
   * offsets.
   *
   * @throws IllegalArgumentException when {@code snapshot} is not a snapshot or {@code dbPath} is
   *     not empty
   */
  public static Map<TopicPartition, Long> restoreSnapshot(Path snapshot, Path dbPath) {
    return SnapshotRestore.restore(snapshot, dbPath);
  }

  private static long directorySize(Path dir) {
    try (var files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Whether this replica has caught up with the topics at least once since it started. */
  public boolean isCaughtUp() {
    if (!caughtUpOnce && metrics.lagMeasuredAt() >= 0 && metrics.consumerLag() == 0) {
      caughtUpOnce = true;
    }
    return caughtUpOnce;
  }

  /**
   * Waits until a lag measurement taken after this call reports 0, i.e. everything produced before
   * the call has been applied. Returns false on timeout.
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

  private Readiness readiness() {
    long lag = isCaughtUp() ? 0 : metrics.consumerLag();
    String writeError = metrics.storeWriteError();
    return writeError != null ? Readiness.storeNotWritable(lag, writeError) : Readiness.ofLag(lag);
  }

  private static ItemIndex newIndex(StoreConfig config) {
    return switch (config.indexKind()) {
      case EXACT -> new ExactItemIndex();
      case HNSW -> new GraphItemIndex(config.indexOptions().withMinGraphItems(0));
      case AUTO -> new GraphItemIndex(config.indexOptions());
    };
  }

  /**
   * Loads every stored item into the index. A graph index builds its graph in the background
   * afterwards (once, over all items); queries meanwhile are answered exactly, so the store serves
   * at once.
   */
  private static void rebuild(EmbeddingStore store, ItemIndex index) {
    long started = System.nanoTime();
    GraphItemIndex graph = index instanceof GraphItemIndex g ? g : null;
    if (graph != null) {
      graph.pauseMaintenance();
    }
    Map<String, ItemVector> chunk = new LinkedHashMap<>();
    store.forEach(
        Entity.ITEM,
        (id, v) -> {
          chunk.put(id, new ItemVector(v.vector(), v.modelVersion(), v.bias()));
          if (chunk.size() == REBUILD_CHUNK) {
            index.upsertAll(chunk);
            chunk.clear();
          }
        });
    index.upsertAll(chunk);
    if (graph != null) {
      graph.resumeMaintenance();
    }
    LOG.info(
        "rebuilt the item index from {}: {} items in {} ms",
        store.path(),
        index.size(),
        (System.nanoTime() - started) / 1_000_000);
  }
}

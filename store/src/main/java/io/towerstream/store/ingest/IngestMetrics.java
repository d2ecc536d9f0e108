package io.towerstream.store.ingest;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one store process since it started (not persisted: a restarted replica starts from
 * zero, which is how a test sees that nothing was applied twice). Written by the ingest thread,
 * read by anyone.
 */
public final class IngestMetrics {
  final AtomicLong updatesApplied = new AtomicLong();
  final AtomicLong deletesApplied = new AtomicLong();
  final AtomicLong staleIgnored = new AtomicLong();
  final AtomicLong malformedUpdates = new AtomicLong();
  final AtomicLong deadLetters = new AtomicLong();
  final AtomicLong batchesWritten = new AtomicLong();
  final AtomicLong ingestFailures = new AtomicLong();
  final AtomicLong storeWriteFailures = new AtomicLong();
  final AtomicLong checkpointEpoch = new AtomicLong(-1);
  volatile long consumerLag = -1;
  volatile long lagMeasuredAt = -1;
  volatile long lastAppliedAt = -1;
  volatile String lastError;
  volatile String storeWriteError;
  volatile long lastVisibleMicros = -1;
  private final long startedAt = System.currentTimeMillis();

  /**
   * The broker counts as unreachable when it has not answered for this long (several lag refreshes
   * missed).
   */
  public static final long REACHABLE_WITHIN_MS = 5_000;

  /**
   * Seconds from a poll's records reaching the store to their being queryable (decode, RocksDB
   * write, index update); registered by {@link io.towerstream.store.metrics.StoreMetrics}.
   */
  private final Histogram visibleSeconds =
      Histogram.builder()
          .name("towerstream_store_update_visible_seconds")
          .help("Time from a polled batch reaching the store to its updates being queryable")
          .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1)
          .build();

  /** Updates that superseded the stored vector (or were the first for their id). */
  public long updatesApplied() {
    return updatesApplied.get();
  }

  /** Tombstones that removed a stored vector. */
  public long deletesApplied() {
    return deletesApplied.get();
  }

  /** Updates ignored because the store held the same or a newer (modelVersion, sequence). */
  public long staleIgnored() {
    return staleIgnored.get();
  }

  /**
   * Records that could not be decoded or validated (a model version far ahead included), skipped.
   */
  public long malformedUpdates() {
    return malformedUpdates.get();
  }

  /** Skipped records written to the dead-letter topic (none without one). */
  public long deadLetters() {
    return deadLetters.get();
  }

  public long batchesWritten() {
    return batchesWritten.get();
  }

  /**
   * The highest {@code checkpointEpoch} among the valid updates read since start (-1 none): with a
   * trainer that publishes exactly-once and a read_committed store, the newest checkpoint whose
   * updates this replica has.
   */
  public long checkpointEpoch() {
    return checkpointEpoch.get();
  }

  /** Times the consumer loop failed and restarted from the stored offsets. */
  public long ingestFailures() {
    return ingestFailures.get();
  }

  /**
   * Times RocksDB refused a batch (a full disk, an I/O error); each time ingest pauses until the
   * store has been reopened on a disk that takes writes.
   */
  public long storeWriteFailures() {
    return storeWriteFailures.get();
  }

  /** False from a refused write until RocksDB has been reopened and takes writes again. */
  public boolean storeWritable() {
    return storeWriteError == null;
  }

  /** Why the store cannot write (no path or class name in it); null while it can. */
  public String storeWriteError() {
    return storeWriteError;
  }

  /**
   * Records behind the end of all assigned partitions at the last measurement; -1 until measured.
   */
  public long consumerLag() {
    return consumerLag;
  }

  /**
   * Whether the broker answered recently: the end offsets, asked for every half second, came back
   * within the last {@value #REACHABLE_WITHIN_MS} ms. False before the first answer.
   */
  public boolean kafkaReachable(long nowMillis) {
    return lagMeasuredAt >= 0 && nowMillis - lagMeasuredAt <= REACHABLE_WITHIN_MS;
  }

  /**
   * How long the broker has not answered (ms), 0 while it does; since {@code startedAt} if it never
   * has.
   */
  public long kafkaUnreachableMs(long nowMillis) {
    if (kafkaReachable(nowMillis)) {
      return 0;
    }
    return nowMillis - (lagMeasuredAt >= 0 ? lagMeasuredAt : startedAt);
  }

  /**
   * When {@link #consumerLag()} was measured (epoch ms, the time the end offsets were asked for);
   * -1 never.
   */
  public long lagMeasuredAt() {
    return lagMeasuredAt;
  }

  /** When the last batch with an applied mutation was written (epoch ms); -1 never. */
  public long lastAppliedAt() {
    return lastAppliedAt;
  }

  /** The last consumer loop failure, or null. */
  public String lastError() {
    return lastError;
  }

  /**
   * How long the last batch took from reaching the store to being queryable (µs); -1 before the
   * first.
   */
  public long lastVisibleMicros() {
    return lastVisibleMicros;
  }

  /** The update-to-visible histogram, for registration. */
  public Histogram visibleSeconds() {
    return visibleSeconds;
  }

  /** Records one batch's time from reaching the store to being queryable. */
  public void recordVisible(long nanos) {
    lastVisibleMicros = nanos / 1000;
    visibleSeconds.observe(nanos / 1e9);
  }

  void writeFailed(String reason) {
    storeWriteFailures.incrementAndGet();
    storeWriteError = reason;
  }

  void writesRecovered() {
    storeWriteError = null;
  }

  void malformed() {
    malformedUpdates.incrementAndGet();
  }
}

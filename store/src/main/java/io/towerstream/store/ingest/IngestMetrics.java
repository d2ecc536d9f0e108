package io.towerstream.store.ingest;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one store process since it started (not persisted: a restarted replica starts from zero,
 * which is how a test sees that nothing was applied twice). Written by the ingest thread, read by anyone.
 */
public final class IngestMetrics {
  final AtomicLong updatesApplied = new AtomicLong();
  final AtomicLong deletesApplied = new AtomicLong();
  final AtomicLong staleIgnored = new AtomicLong();
  final AtomicLong malformedUpdates = new AtomicLong();
  final AtomicLong batchesWritten = new AtomicLong();
  final AtomicLong ingestFailures = new AtomicLong();
  volatile long consumerLag = -1;
  volatile long lagMeasuredAt = -1;
  volatile long lastAppliedAt = -1;
  volatile String lastError;

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

  /** Records that could not be decoded or validated, skipped. */
  public long malformedUpdates() {
    return malformedUpdates.get();
  }

  public long batchesWritten() {
    return batchesWritten.get();
  }

  /** Times the consumer loop failed and restarted from the stored offsets. */
  public long ingestFailures() {
    return ingestFailures.get();
  }

  /** Records behind the end of all assigned partitions at the last measurement; -1 until measured. */
  public long consumerLag() {
    return consumerLag;
  }

  /** When {@link #consumerLag()} was measured (epoch ms, the time the end offsets were asked for); -1 never. */
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

  void malformed() {
    malformedUpdates.incrementAndGet();
  }
}

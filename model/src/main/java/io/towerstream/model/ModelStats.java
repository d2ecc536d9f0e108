package io.towerstream.model;

/**
 * Counters of a model, for status and metrics.
 *
 * @param users live user rows
 * @param items live item rows
 * @param admittedRows rows ever inserted, both tables
 * @param evictedRows rows ever evicted, both tables, for room or expired
 * @param expiredRows of those, rows evicted for being idle longer than the TTL
 * @param pendingIds ids seen but not admitted yet, both tables
 * @param heldBackEvents events skipped because their user or item was not admitted yet
 * @param priorWeight weight of the popularity prior in the served item biases (tuned or configured)
 */
public record ModelStats(
    long eventsTrained,
    long batches,
    long skippedBatches,
    double lossEma,
    long users,
    long items,
    long lastEventTimeMillis,
    long admittedRows,
    long evictedRows,
    long expiredRows,
    long pendingIds,
    long heldBackEvents,
    double priorWeight) {
  /** Without admission or eviction figures, for models that keep none. */
  public ModelStats(
      long eventsTrained,
      long batches,
      long skippedBatches,
      double lossEma,
      long users,
      long items,
      long lastEventTimeMillis) {
    this(
        eventsTrained,
        batches,
        skippedBatches,
        lossEma,
        users,
        items,
        lastEventTimeMillis,
        users + items,
        0,
        0,
        0,
        0,
        0);
  }
}

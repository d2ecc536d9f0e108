package io.towerstream.model.twotower;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * Progress counters of a model; {@link #batches()} doubles as the step clock of the frequency
 * estimator.
 */
final class TrainingCounters {
  /** EMA rate of the reported loss: smooths over roughly the last 50 batches. */
  private static final double LOSS_EMA_RATE = 0.02;

  private long eventsTrained;
  private long batches;
  private long skippedBatches;
  private long replayedEvents; // not snapshotted: a diagnostic
  private double lossEma = Double.NaN;
  private long lastEventTimeMillis;

  long eventsTrained() {
    return eventsTrained;
  }

  /** Batches trained (skipped ones excluded). */
  long batches() {
    return batches;
  }

  long skippedBatches() {
    return skippedBatches;
  }

  /** NaN before the first trained batch. */
  double lossEma() {
    return lossEma;
  }

  long lastEventTimeMillis() {
    return lastEventTimeMillis;
  }

  void recordTrained(int events, double loss, long maxEventTimeMillis) {
    eventsTrained += events;
    batches++;
    lossEma = Double.isNaN(lossEma) ? loss : (1 - LOSS_EMA_RATE) * lossEma + LOSS_EMA_RATE * loss;
    lastEventTimeMillis = Math.max(lastEventTimeMillis, maxEventTimeMillis);
  }

  /**
   * A replay step trained {@code events} earlier positives again; they counted when they first
   * trained.
   */
  void recordReplayed(int events) {
    replayedEvents += events;
  }

  /** Positives trained again by experience replay. */
  long replayedEvents() {
    return replayedEvents;
  }

  void recordSkipped() {
    skippedBatches++;
  }

  void writeTo(SnapshotWriter out) {
    out.writeLong(eventsTrained)
        .writeLong(batches)
        .writeLong(skippedBatches)
        .writeDouble(lossEma)
        .writeLong(lastEventTimeMillis);
  }

  static TrainingCounters readFrom(SnapshotReader in) {
    TrainingCounters c = new TrainingCounters();
    c.eventsTrained = in.readLong();
    c.batches = in.readLong();
    c.skippedBatches = in.readLong();
    c.lossEma = in.readDouble();
    c.lastEventTimeMillis = in.readLong();
    return c;
  }
}

package io.towerstream.jobs.operators;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongConsumer;

/**
 * Cuts one subtask's events, in arrival order, into training batches: a batch closes when it holds
 * {@code batchSize} events, or {@code maxWaitMs} of processing time after its first event (0: by
 * count only). Given the same input order, count-closed batches are identical on every run; the
 * time bound trades that for latency.
 *
 * <p>A checkpoint keeps the open batch ({@link #pending}) rather than training it early, so that
 * checkpoints do not change which events share a batch; a restored batch goes on filling up. Not
 * thread-safe: the task thread calls it, its timers included.
 */
final class EventBatcher {
  /** Processing-time timers, as the operator's timer service runs them (on the task thread). */
  interface Timers {
    long now();

    ScheduledFuture<?> register(long time, LongConsumer onTime);
  }

  private static final long NO_DEADLINE = Long.MIN_VALUE;

  private final int batchSize;
  private final long maxWaitMs;
  private final Timers timers;
  private final Consumer<List<Interaction>> train;
  private final IntConsumer pendingCount;
  private List<Interaction> pending;
  private long deadline = NO_DEADLINE;
  private ScheduledFuture<?> timer;

  /**
   * @param restored the open batch a checkpoint kept (empty when none)
   * @param train takes each closed batch
   * @param pendingCount told how many events wait whenever that changes
   */
  EventBatcher(
      int batchSize,
      long maxWaitMs,
      List<Interaction> restored,
      Timers timers,
      Consumer<List<Interaction>> train,
      IntConsumer pendingCount) {
    this.batchSize = batchSize;
    this.maxWaitMs = maxWaitMs;
    this.timers = timers;
    this.train = train;
    this.pendingCount = pendingCount;
    this.pending = new ArrayList<>(batchSize);
    pending.addAll(restored);
    pendingCount.accept(pending.size());
  }

  /** Starts the clock of a restored open batch. */
  void start(long now) {
    if (!pending.isEmpty() && maxWaitMs > 0) {
      // without a time bound a restored partial batch waits for its count, as it would have without
      // the restore
      scheduleDeadline(now);
    }
  }

  /** Buffers one event; trains the batch it completes. */
  void add(Interaction event) {
    pending.add(event);
    pendingCount.accept(pending.size());
    if (pending.size() >= batchSize) {
      close();
    } else if (pending.size() == 1 && maxWaitMs > 0) {
      scheduleDeadline(timers.now());
    }
  }

  /** Trains the open batch now, whatever its size (at the end of the input). */
  void flush() {
    if (!pending.isEmpty()) {
      close();
    }
  }

  /** The events of the open batch, in arrival order; a copy. */
  List<Interaction> pending() {
    return List.copyOf(pending);
  }

  private void close() {
    List<Interaction> batch = pending;
    pending = new ArrayList<>(batchSize);
    pendingCount.accept(0);
    deadline = NO_DEADLINE;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    train.accept(batch);
  }

  private void scheduleDeadline(long now) {
    deadline = now + maxWaitMs;
    timer = timers.register(deadline, this::onDeadline);
  }

  private void onDeadline(long time) {
    // a timer of a batch that already closed by count fires with an earlier time than the current
    // deadline
    if (!pending.isEmpty() && deadline != NO_DEADLINE && time >= deadline) {
      close();
    }
  }
}

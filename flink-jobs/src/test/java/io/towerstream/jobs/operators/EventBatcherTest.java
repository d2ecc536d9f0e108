package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

class EventBatcherTest {
  private final ManualTimers timers = new ManualTimers();
  private final List<List<Interaction>> trained = new ArrayList<>();
  private final List<Integer> counts = new ArrayList<>();

  @Test
  void closesABatchAtItsSizeWithoutWaitingForTheDeadline() {
    EventBatcher batcher = batcher(3, 1_000, List.of());
    batcher.add(event(1));
    batcher.add(event(2));
    assertThat(trained).isEmpty();
    batcher.add(event(3));
    assertThat(trained).containsExactly(List.of(event(1), event(2), event(3)));
    assertThat(batcher.pending()).isEmpty();
    assertThat(counts).containsExactly(0, 1, 2, 3, 0);
  }

  @Test
  void aTimerOfABatchThatClosedByCountTrainsNothing() {
    EventBatcher batcher = batcher(2, 1_000, List.of());
    batcher.add(event(1)); // deadline 1000
    batcher.add(event(2));
    timers.advanceTo(500);
    batcher.add(event(3)); // deadline 1500
    timers.advanceTo(1_000); // the first batch's timer fires, cancelled too late
    assertThat(trained).hasSize(1);
    timers.advanceTo(1_500);
    assertThat(trained).containsExactly(List.of(event(1), event(2)), List.of(event(3)));
  }

  @Test
  void closesAPartialBatchAtTheDeadlineOfItsFirstEvent() {
    EventBatcher batcher = batcher(10, 100, List.of());
    timers.advanceTo(50);
    batcher.add(event(1));
    timers.advanceTo(120);
    batcher.add(event(2));
    timers.advanceTo(149);
    assertThat(trained).isEmpty();
    timers.advanceTo(150);
    assertThat(trained).containsExactly(List.of(event(1), event(2)));
  }

  @Test
  void withoutATimeBoundAPartialBatchWaitsForItsCount() {
    EventBatcher batcher = batcher(2, 0, List.of(event(1)));
    batcher.start(0);
    timers.advanceTo(1_000_000);
    assertThat(trained).isEmpty();
    batcher.add(event(2));
    assertThat(trained).containsExactly(List.of(event(1), event(2)));
  }

  @Test
  void aRestoredBatchKeepsFillingAndItsClockStartsAgain() {
    EventBatcher batcher = batcher(3, 100, List.of(event(1)));
    assertThat(counts).containsExactly(1);
    assertThat(batcher.pending()).containsExactly(event(1));
    timers.advanceTo(500);
    batcher.start(500);
    batcher.add(event(2));
    timers.advanceTo(599);
    assertThat(trained).isEmpty();
    timers.advanceTo(600);
    assertThat(trained).containsExactly(List.of(event(1), event(2)));
  }

  @Test
  void flushTrainsWhatIsLeftOnce() {
    EventBatcher batcher = batcher(3, 100, List.of());
    batcher.flush();
    assertThat(trained).isEmpty();
    batcher.add(event(1));
    batcher.flush();
    batcher.flush();
    timers.advanceTo(1_000);
    assertThat(trained).containsExactly(List.of(event(1)));
  }

  private EventBatcher batcher(int size, long maxWaitMs, List<Interaction> restored) {
    return new EventBatcher(size, maxWaitMs, restored, timers, trained::add, counts::add);
  }

  private static Interaction event(int i) {
    return new Interaction("u" + i, "i" + i, 1f, i);
  }

  /**
   * Timers that fire in time order when the test moves the clock, cancelled or not: the batcher
   * must tell a stale timer from its batch's own, as a timer already due when cancelled may run.
   */
  private static final class ManualTimers implements EventBatcher.Timers {
    private record Timer(long time, LongConsumer onTime) {}

    private final List<Timer> pending = new ArrayList<>();
    private long now;

    @Override
    public long now() {
      return now;
    }

    @Override
    public ScheduledFuture<?> register(long time, LongConsumer onTime) {
      pending.add(new Timer(time, onTime));
      return new Ignored();
    }

    void advanceTo(long time) {
      now = time;
      List<Timer> due = pending.stream().filter(t -> t.time() <= time).toList();
      pending.removeAll(due);
      due.stream()
          .sorted(Comparator.comparingLong(Timer::time))
          .forEach(t -> t.onTime().accept(t.time()));
    }
  }

  /** A timer handle whose cancellation comes too late to stop it. */
  private static final class Ignored implements ScheduledFuture<Void> {
    @Override
    public long getDelay(TimeUnit unit) {
      return 0;
    }

    @Override
    public int compareTo(Delayed other) {
      return 0;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      return false;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public boolean isDone() {
      return true;
    }

    @Override
    public Void get() {
      return null;
    }

    @Override
    public Void get(long timeout, TimeUnit unit) {
      return null;
    }
  }
}

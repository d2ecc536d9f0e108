package io.towerstream.cli.eval;

import io.towerstream.cli.demo.ProgressBars;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import me.tongfei.progressbar.ProgressBar;

/**
 * The evaluation's offline math (baselines, next-click peers), single-threaded and run in order on
 * one background thread while the pipeline starts, trains and ranks: their times overlap the
 * pipeline's instead of adding to it, and they never compete with each other for the two cores the
 * pipeline also needs.
 */
final class OfflineWork implements AutoCloseable {
  /** A computation that reports its units of work done to {@code progress} as it goes. */
  @FunctionalInterface
  interface Computation<T> {
    T compute(LongConsumer progress) throws Exception;
  }

  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "eval-offline");
            t.setDaemon(true); // a failed pipeline must not wait for the math to end
            return t;
          });

  /** Queues {@code computation}, announced as {@code units} units of work, behind the others. */
  <T> Task<T> submit(String name, long units, Computation<T> computation) {
    Task<T> task = new Task<>(name, units);
    thread.execute(
        () -> {
          try {
            long started = System.nanoTime();
            T r = computation.compute(task.done::addAndGet);
            task.seconds = (System.nanoTime() - started) / 1e9;
            task.result.complete(r);
          } catch (Throwable e) {
            task.result.completeExceptionally(e);
          }
        });
    return task;
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }

  /** One queued computation. */
  static final class Task<T> {
    private final String name;
    private final long units;
    private final AtomicLong done = new AtomicLong();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile double seconds;

    private Task(String name, long units) {
      this.name = name;
      this.units = units;
    }

    /**
     * Waits for the result. A bar of its own shows only if the work is still running when waited
     * for: by then the pipeline's bars are done, so two bars never share the line (join the tasks
     * in the order they were submitted, and the one running is the one with the bar).
     */
    T join() throws Exception {
      if (!result.isDone()) {
        try (ProgressBar bar = ProgressBars.onStderr(name, units, 120).build()) {
          while (!result.isDone()) {
            bar.stepTo(done.get());
            Thread.sleep(200);
          }
          bar.stepTo(done.get());
        }
      }
      try {
        return result.get();
      } catch (ExecutionException e) {
        throw e.getCause() instanceof Exception cause ? cause : e;
      }
    }

    /** How long the computation took, once {@link #join} returned. */
    double seconds() {
      return seconds;
    }
  }
}

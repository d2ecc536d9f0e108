package io.towerstream.store.index;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one background thread that keeps a {@link GraphItemIndex}'s graph in shape: asks what to do
 * next, does it, idles 100 ms when there is nothing (or until {@link #wake()}), and backs off 5 s
 * after a failure, which it logs and keeps for status. The index stays correct whatever happens
 * here: the exact delta answers for everything the graph does not.
 */
final class MaintenanceThread {
  private static final Logger LOG = LoggerFactory.getLogger(MaintenanceThread.class);

  /** What the index needs next. */
  enum Work {
    NONE,
    MERGE,
    REBUILD
  }

  /** The index's side: the decision and the two kinds of work. */
  interface Maintained {
    Work nextWork();

    void merge();

    void rebuild();

    /** Called after a failure, so the index can clear flags a failed step left set. */
    void failed();
  }

  private final Thread thread;
  private volatile boolean closed;
  private volatile Throwable lastFailure;

  MaintenanceThread(Maintained index) {
    this.thread = new Thread(() -> loop(index), "store-index-maintenance");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Ends the idle wait early: there is new work. */
  void wake() {
    LockSupport.unpark(thread);
  }

  /** Whether {@link #close()} was called; long work checks it to stop early. */
  boolean closed() {
    return closed;
  }

  /** The last failure, or null. */
  Throwable lastFailure() {
    return lastFailure;
  }

  /** Stops after the current step (waiting up to a minute for it). */
  void close() {
    closed = true;
    wake();
    try {
      thread.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void loop(Maintained index) {
    while (!closed) {
      try {
        switch (index.nextWork()) {
          case REBUILD -> index.rebuild();
          case MERGE -> index.merge();
          case NONE -> LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
      } catch (RuntimeException | Error e) {
        lastFailure = e;
        index.failed();
        LOG.error(
            "index maintenance failed; queries stay exact over the delta, retrying in 5 s", e);
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(5));
      }
    }
  }
}

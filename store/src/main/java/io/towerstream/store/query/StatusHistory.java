package io.towerstream.store.query;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The recent past of the status, for the dashboard's charts: every {@code intervalMs} a sample of
 * the figures it plots (events trained, loss, test-then-train HR@10 per scorer, freshness, table
 * sizes), the last {@code capacity} kept. A page opened mid-run then shows the run so far, not only
 * what happens while it is open.
 */
public final class StatusHistory implements AutoCloseable {
  private final Supplier<StoreStatus> status;
  private final LongSupplier clock;
  private final long intervalMs;
  private final int capacity;
  private final ArrayDeque<Map<String, Object>> samples = new ArrayDeque<>();
  private ScheduledExecutorService timer;

  public StatusHistory(
      Supplier<StoreStatus> status, LongSupplier clock, long intervalMs, int capacity) {
    if (intervalMs < 1 || capacity < 1) {
      throw new IllegalArgumentException(
          "interval and capacity must be positive, were " + intervalMs + ", " + capacity);
    }
    this.status = status;
    this.clock = clock;
    this.intervalMs = intervalMs;
    this.capacity = capacity;
  }

  /** Samples every interval on a daemon thread until {@link #close}. */
  public StatusHistory start() {
    timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "status-history");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleAtFixedRate(
        () -> {
          try {
            sample();
          } catch (RuntimeException e) {
            // a status that cannot be read now (store closing) is simply not sampled
          }
        },
        0,
        intervalMs,
        TimeUnit.MILLISECONDS);
    return this;
  }

  /** Takes one sample now. */
  public void sample() {
    StoreStatus s = status.get();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("at", clock.getAsLong());
    m.put("eventsTrained", s.eventsTrained());
    m.put("loss", Double.isFinite(s.loss()) ? s.loss() : null);
    Map<String, Object> hr = new LinkedHashMap<>();
    if (s.prequential() != null) {
      s.prequential().forEach((scorer, w) -> hr.put(scorer, w.get("hitRate10")));
    }
    m.put("hitRate10", hr);
    m.put("newestUpdateAgeMs", s.newestUpdateAgeMs());
    m.put("usersEmbedded", s.usersEmbedded());
    m.put("itemsEmbedded", s.itemsEmbedded());
    m.put("collapse", s.collapse() == null ? Map.of() : s.collapse());
    synchronized (samples) {
      samples.addLast(m);
      if (samples.size() > capacity) {
        samples.removeFirst();
      }
    }
  }

  /**
   * The samples taken after {@code sinceMs} (epoch ms; 0 for all), oldest first, with the interval.
   */
  public Map<String, Object> document(long sinceMs) {
    List<Map<String, Object>> copy = new ArrayList<>();
    synchronized (samples) {
      for (Map<String, Object> m : samples) {
        if ((long) m.get("at") > sinceMs) {
          copy.add(m);
        }
      }
    }
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("intervalMs", intervalMs);
    doc.put("samples", copy);
    return doc;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}

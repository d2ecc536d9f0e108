package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.ItemVector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Streams updates of random existing items into a {@link ChurnTarget} at a fixed rate, timing each
 * batch from the moment it is applied until a query finds its last update (update → visible), and
 * keeps the ground truth in step. Runs on its own thread until {@link #stop()}.
 */
final class Churn implements Runnable {
  private static final long TICK_NANOS = 20_000_000; // a batch every 20 ms, like a consumer's polls
  private final ChurnTarget target;
  private final ExactItemIndex truth;
  private final BenchData data;
  private final int items;
  private final int rate;
  private volatile boolean running = true;
  private volatile Exception failure;
  private final List<Long> visibleNanos = new ArrayList<>();
  private long updates;
  private long started;
  private long stopped;

  Churn(ChurnTarget target, ExactItemIndex truth, BenchData data, int items, int rate) {
    this.target = target;
    this.truth = truth;
    this.data = data;
    this.items = items;
    this.rate = rate;
  }

  @Override
  public void run() {
    started = System.nanoTime();
    try {
      for (long tick = 1; running; tick++) {
        // as many updates as the rate owes by now: when this thread falls behind, batches grow (as
        // a consumer's polls do) rather than the rate silently dropping
        long due = (long) (rate * ((System.nanoTime() - started) / 1e9));
        int n = (int) Math.max(0, due - updates);
        List<ItemUpdate> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(data.update(items));
        }
        if (!batch.isEmpty()) {
          long t0 = System.nanoTime();
          target.apply(batch);
          target.awaitVisible(batch.get(batch.size() - 1));
          synchronized (visibleNanos) {
            visibleNanos.add(System.nanoTime() - t0);
          }
          truth.upsertAll(toItems(batch));
          updates += n;
        }
        long sleep = started + tick * TICK_NANOS - System.nanoTime();
        if (sleep > 0) {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      failure = e;
    } finally {
      stopped = System.nanoTime();
    }
  }

  void stop() {
    running = false;
  }

  /** Throws what stopped the stream early, if anything did. */
  void check() throws Exception {
    if (failure != null) {
      throw failure;
    }
  }

  double rate() {
    return updates / ((stopped - started) / 1e9);
  }

  long batches() {
    synchronized (visibleNanos) {
      return visibleNanos.size();
    }
  }

  /** The {@code p} quantile of update → visible, in milliseconds. */
  double visibleP(double p) {
    synchronized (visibleNanos) {
      return QueryTimer.percentile(
          visibleNanos.stream().mapToLong(Long::longValue).sorted().toArray(), p);
    }
  }

  /** The batch as the ground truth stores it: the last update of an item wins. */
  static Map<String, ItemVector> toItems(List<ItemUpdate> batch) {
    Map<String, ItemVector> out = new LinkedHashMap<>();
    batch.forEach(u -> out.put(u.id(), new ItemVector(u.vector(), 1, u.bias())));
    return out;
  }
}

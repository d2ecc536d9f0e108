package io.towerstream.benchmarks.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Times top-k queries the one way every side is timed: a 500 ms warm-up, then {@code threads}
 * client threads querying back to back for {@code seconds}, each starting at its own offset in the
 * shared query pool; QPS is all answered queries over the wall time, p50 and p99 are over every
 * query of every thread.
 */
final class QueryTimer {
  private QueryTimer() {}

  /** The call being timed: one query, answered as the side serves it. */
  @FunctionalInterface
  interface Query {
    Object run(float[] query) throws Exception;
  }

  /** Latency percentiles in milliseconds and queries per second. */
  record Latency(double p50, double p99, double qps) {}

  static Latency measure(Query query, float[][] queries, int threads, int seconds)
      throws Exception {
    // a short warm-up so the JIT has compiled the search before we time it
    long warmUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
    for (int i = 0; System.nanoTime() < warmUntil; i++) {
      query.run(queries[i % queries.length]);
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      long started = System.nanoTime();
      List<Future<long[]>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 337;
        futures.add(
            pool.submit(
                () -> {
                  long[] lat = new long[1 << 16];
                  int n = 0;
                  for (int i = offset; System.nanoTime() < deadline; i++) {
                    long s = System.nanoTime();
                    query.run(queries[i % queries.length]);
                    if (n == lat.length) {
                      lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = System.nanoTime() - s;
                  }
                  return Arrays.copyOf(lat, n);
                }));
      }
      List<long[]> all = new ArrayList<>();
      for (Future<long[]> f : futures) {
        all.add(f.get());
      }
      double elapsed = (System.nanoTime() - started) / 1e9;
      long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Latency(
          percentile(merged, 0.5), percentile(merged, 0.99), merged.length / elapsed);
    } finally {
      pool.shutdownNow();
    }
  }

  /** The {@code p} quantile of sorted nanoseconds, in milliseconds (NaN when there are none). */
  static double percentile(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, i)] / 1e6;
  }
}

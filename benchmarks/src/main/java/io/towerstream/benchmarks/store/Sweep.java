package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.QueryTimer.Latency;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Measures one built {@link SweptIndex} the same way whichever side it is: for each setting, recall
 * against exact search and latency/QPS with each thread count on the quiet index; then, while a
 * {@link Churn} streams updates in, latency/QPS for each setting and thread count, and after the
 * stream stops the recall against the updated catalog.
 */
final class Sweep {
  private final BenchOptions o;
  private final Consumer<String> log;

  Sweep(BenchOptions o, Consumer<String> log) {
    this.o = o;
    this.log = log;
  }

  /**
   * One timed measurement: the setting, the update rate ("0" when quiet), and what was measured.
   */
  record Measurement(
      float setting,
      boolean churn,
      String updates,
      int threads,
      Latency latency,
      double recall,
      String visible,
      double load) {

    /** The table cells from the update rate on, the same in every side's table. */
    String cells() {
      return String.format(
          Locale.ROOT,
          "%-9s | %7d | %8.2f | %8.2f | %,7.0f | %10.4f | %15s | %5.1f |",
          updates,
          threads,
          latency.p50(),
          latency.p99(),
          latency.qps(),
          recall,
          visible,
          load);
    }
  }

  /** Everything measured on one side. */
  record Result(List<Measurement> measurements, double visibleP50, double visibleP99) {
    List<Measurement> quiet() {
      return measurements.stream().filter(m -> !m.churn()).toList();
    }

    List<Measurement> churn() {
      return measurements.stream().filter(Measurement::churn).toList();
    }
  }

  Result run(
      SweptIndex index, ExactItemIndex truth, float[][] queries, BenchData churnData, int items)
      throws Exception {
    List<Measurement> out = new ArrayList<>();
    String name = index.settingName();
    for (float setting : index.settings()) {
      index.use(setting);
      double recall = recall(index, truth, queries, Scoring.DOT_PLUS_BIAS);
      if (o.biasScale() > 0) {
        log(
            "%s %.1f: recall@%d by the dot product alone (similar items) %.4f",
            name, setting, o.k(), recall(index, truth, queries, Scoring.DOT));
      }
      for (int threads : o.threads()) {
        Latency l = QueryTimer.measure(q -> index.topK(q, o.k()), queries, threads, o.seconds());
        out.add(new Measurement(setting, false, "0", threads, l, recall, "-", loadAverage()));
        log(
            "static, %s %.1f, %d thread(s): p50 %.2f ms, p99 %.2f ms, %.0f QPS, recall@%d %.4f",
            name, setting, threads, l.p50(), l.p99(), l.qps(), o.k(), recall);
      }
    }
    if (o.updateRate() == 0) {
      return new Result(out, Double.NaN, Double.NaN);
    }
    Churn churn = new Churn(index, truth, churnData, items, o.updateRate());
    Thread thread = new Thread(churn, "bench-updater");
    thread.start();
    List<Latency> underChurn = new ArrayList<>();
    try {
      for (float setting : index.settings()) {
        index.use(setting);
        for (int threads : o.threads()) {
          underChurn.add(
              QueryTimer.measure(q -> index.topK(q, o.k()), queries, threads, o.seconds()));
        }
      }
    } finally {
      churn.stop();
      thread.join();
    }
    churn.check();
    String summary = index.churnSummary();
    String visible =
        String.format(Locale.ROOT, "%.2f/%.2f", churn.visibleP(0.5), churn.visibleP(0.99));
    String rate = String.format(Locale.ROOT, "%,.0f", churn.rate());
    int i = 0;
    for (float setting : index.settings()) {
      index.use(setting);
      // against the updated catalog, the index as the stream left it
      double recall = recall(index, truth, queries, Scoring.DOT_PLUS_BIAS);
      for (int threads : o.threads()) {
        Latency l = underChurn.get(i++);
        out.add(new Measurement(setting, true, rate, threads, l, recall, visible, loadAverage()));
        log(
            "%,.0f updates/s, %s %.1f, %d thread(s): p50 %.2f ms, p99 %.2f ms, %.0f QPS, recall@%d %.4f",
            churn.rate(), name, setting, threads, l.p50(), l.p99(), l.qps(), o.k(), recall);
      }
    }
    log(
        "under churn: update visible p50 %.2f ms, p99 %.2f ms, max %.2f ms over %,d batches; %s",
        churn.visibleP(0.5), churn.visibleP(0.99), churn.visibleP(1.0), churn.batches(), summary);
    return new Result(out, churn.visibleP(0.5), churn.visibleP(0.99));
  }

  /**
   * Mean recall@k of {@code index} against exact search, over the first {@code --recall-queries}
   * queries.
   */
  private double recall(SweptIndex index, ExactItemIndex truth, float[][] queries, Scoring scoring)
      throws Exception {
    int n = Math.min(o.recallQueries(), queries.length);
    double sum = 0;
    for (int q = 0; q < n; q++) {
      Set<String> exact = new HashSet<>();
      for (ScoredItem s :
          truth.topK(queries[q], o.k(), Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring)) {
        exact.add(s.itemId());
      }
      List<String> approx = index.topIds(queries[q], o.k(), scoring);
      sum += approx.stream().filter(exact::contains).count() / (double) exact.size();
    }
    return sum / n;
  }

  static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private void log(String format, Object... args) {
    log.accept(String.format(Locale.ROOT, format, args));
  }
}

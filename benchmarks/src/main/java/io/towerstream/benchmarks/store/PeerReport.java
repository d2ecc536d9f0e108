package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.Sweep.Measurement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tables of a run with a peer: the peer's own measurements, then both sides at matched recall
 * (for each target, phase and thread count, the cheapest setting of each side that reaches the
 * target, with its QPS and p99), then build, memory and update → visible per side.
 */
final class PeerReport {
  private final int k;
  private final List<Double> targets;
  private final List<String> peerRows = new ArrayList<>();
  private final List<String> matchedRows = new ArrayList<>();
  private final List<String> memoryRows = new ArrayList<>();

  PeerReport(int k, List<Double> targets) {
    this.k = k;
    this.targets = targets;
  }

  /** Adds one (size, data) pair: the store's result and the peer's. */
  void add(String data, int items, SideResult store, SideResult peer) {
    for (Measurement m : peer.sweep().measurements()) {
      peerRows.add(
          String.format(
                  Locale.ROOT,
                  "| %-9s | %,9d | %8.1f | %,7d | %,8.1f | %5.0f | ",
                  data,
                  items,
                  peer.buildS(),
                  peer.heapMb(),
                  peer.storageBytes() / (double) (1 << 20),
                  m.setting())
              + m.cells());
    }
    for (double target : targets) {
      for (boolean churn : new boolean[] {false, true}) {
        for (int threads : threadCounts(store)) {
          for (SideResult side : List.of(store, peer)) {
            matchedRows.add(matched(data, items, target, churn, threads, side));
          }
        }
      }
    }
    for (SideResult side : List.of(store, peer)) {
      memoryRows.add(
          String.format(
              Locale.ROOT,
              "| %-9s | %,9d | %-11s | %8.1f | %,7d | %,7d | %,10.1f | %15s |",
              data,
              items,
              side.side(),
              side.buildS(),
              side.heapMb(),
              side.ownHeapMb(),
              side.storageBytes() / (double) (1 << 20),
              Double.isNaN(side.sweep().visibleP50())
                  ? "-"
                  : String.format(
                      Locale.ROOT,
                      "%.2f/%.2f",
                      side.sweep().visibleP50(),
                      side.sweep().visibleP99())));
    }
  }

  /** Every table so far, each with its header. */
  List<String> lines() {
    List<String> out = new ArrayList<>();
    out.add(
        "Lucene HNSW, each setting (ef: the search's beam; index MB: its files, read via mmap):");
    out.add(
        String.format(
            Locale.ROOT,
            "| %-9s | %9s | %8s | %7s | %8s | %5s | %-9s | %7s | %8s | %8s | %7s | %10s | %15s | %5s |",
            "data",
            "items",
            "build s",
            "heap MB",
            "index MB",
            "ef",
            "updates/s",
            "threads",
            "p50 ms",
            "p99 ms",
            "QPS",
            "recall@" + k,
            "visible p50/p99",
            "load"));
    out.add(
        "|-----------|-----------|----------|---------|----------|-------|-----------|---------|----------|"
            + "----------|---------|------------|-----------------|-------|");
    out.addAll(peerRows);
    out.add("");
    out.add(
        "At matched recall (each side's cheapest setting that reaches the target; under churn, recall"
            + " against the updated catalog):");
    out.add(
        String.format(
            Locale.ROOT,
            "| %-9s | %9s | %10s | %-5s | %7s | %-11s | %-14s | %10s | %7s | %8s |",
            "data",
            "items",
            "recall >=",
            "phase",
            "threads",
            "side",
            "setting",
            "recall@" + k,
            "QPS",
            "p99 ms"));
    out.add(
        "|-----------|-----------|------------|-------|---------|-------------|----------------|"
            + "------------|---------|----------|");
    out.addAll(matchedRows);
    out.add("");
    out.add(
        "Build and memory (heap MB: after the build and a GC, the benchmark's ground truth and queries"
            + " included; own MB: that less the heap after a GC once the side was closed, i.e. what the"
            + " side alone held; storage MB: RocksDB's live data, or Lucene's index files):");
    out.add(
        String.format(
            Locale.ROOT,
            "| %-9s | %9s | %-11s | %8s | %7s | %7s | %10s | %15s |",
            "data",
            "items",
            "side",
            "build s",
            "heap MB",
            "own MB",
            "storage MB",
            "visible p50/p99"));
    out.add(
        "|-----------|-----------|-------------|----------|---------|---------|------------|-----------------|");
    out.addAll(memoryRows);
    return out;
  }

  private String matched(
      String data, int items, double target, boolean churn, int threads, SideResult side) {
    List<Measurement> candidates =
        side.sweep().measurements().stream()
            .filter(m -> m.churn() == churn && m.threads() == threads)
            .sorted(Comparator.comparingDouble(Measurement::setting))
            .toList();
    Optional<Measurement> cheapest =
        candidates.stream().filter(m -> m.recall() >= target).findFirst();
    String setting = "not reached";
    // Not reached: the best recall measured, so the row says how far off it was ("-": none
    // measured).
    String recall =
        candidates.stream().mapToDouble(Measurement::recall).max().stream()
            .mapToObj(PeerReport::recall)
            .findFirst()
            .orElse("-");
    String qps = "-";
    String p99 = "-";
    if (cheapest.isPresent()) {
      Measurement m = cheapest.get();
      setting = side.settingName() + " " + setting(m.setting());
      recall = recall(m.recall());
      qps = String.format(Locale.ROOT, "%,.0f", m.latency().qps());
      p99 = String.format(Locale.ROOT, "%.2f", m.latency().p99());
    }
    return String.format(
        Locale.ROOT,
        "| %-9s | %,9d | %10.2f | %-5s | %7d | %-11s | %-14s | %10s | %7s | %8s |",
        data,
        items,
        target,
        churn ? "churn" : "quiet",
        threads,
        side.side(),
        setting,
        recall,
        qps,
        p99);
  }

  private static String recall(double value) {
    return String.format(Locale.ROOT, "%.4f", value);
  }

  private static String setting(float value) {
    return value == Math.rint(value) ? String.valueOf((int) value) : String.valueOf(value);
  }

  private static List<Integer> threadCounts(SideResult side) {
    return side.sweep().measurements().stream().map(Measurement::threads).distinct().toList();
  }
}

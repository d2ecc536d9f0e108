package io.towerstream.benchmarks.store;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.IndexKind;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.GraphItemIndex;
import io.towerstream.store.index.IndexStats;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ItemVector;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * The retrieval store's benchmark ({@code towerstream bench store}): for each catalog size and kind
 * of data, loads the items through the ingest path ({@link BatchApplier}: RocksDB then the index),
 * times the index build, then measures top-k latency (p50/p99) and QPS with 1 and 2 client threads
 * and recall@k against exact search, first on a static catalog, then while updates stream in at
 * {@code --updates-per-sec} per second through the same {@link BatchApplier}, measuring how long
 * each update takes to become queryable. Prints one table. Not a test: it asserts nothing.
 */
public final class StoreBenchmark {
  private static final int QUERY_POOL = 1000;
  private static final int LOAD_BATCH = 1000;

  private final BenchOptions o;
  private final PrintWriter out;

  private StoreBenchmark(BenchOptions o, PrintWriter out) {
    this.o = o;
    this.out = out;
  }

  /**
   * Runs the benchmark, printing progress and the table to {@code out}; returns the exit status
   * (0).
   */
  public static int run(BenchOptions options, PrintWriter out) throws Exception {
    return new StoreBenchmark(options, out).run();
  }

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(BenchOptions.USAGE);
      return;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(BenchOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options, new PrintWriter(System.out, true)));
  }

  private int run() throws Exception {
    out.printf(
        Locale.ROOT,
        "store benchmark: %d cores, %s %s, max heap %d MB, load average %.2f at start%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        loadAverage());
    out.printf(
        Locale.ROOT,
        "index %s, M %d, construction beam %d, overquery %s, d=%d, k=%d, %d s per "
            + "measurement, churn %d updates/s, bias scale %s%n%n",
        o.index().name().toLowerCase(Locale.ROOT),
        o.graph().maxDegree(),
        o.graph().constructionBeam(),
        o.overqueries(),
        o.dim(),
        o.k(),
        o.seconds(),
        o.updateRate(),
        o.biasScale());
    List<String> table = new ArrayList<>();
    table.add(
        String.format(
            Locale.ROOT,
            "| %-9s | %9s | %8s | %7s | %9s | %-9s | %7s | %8s | %8s | %7s | %10s | %15s | %5s |",
            "data",
            "items",
            "build s",
            "heap MB",
            "overquery",
            "updates/s",
            "threads",
            "p50 ms",
            "p99 ms",
            "QPS",
            "recall@" + o.k(),
            "visible p50/p99",
            "load"));
    table.add(
        "|-----------|-----------|----------|---------|-----------|-----------|---------|----------|----------|"
            + "---------|------------|-----------------|-------|");
    for (int items : o.items()) {
      for (String data : o.data()) {
        table.addAll(runOne(items, data));
        out.println();
        table.forEach(out::println);
        out.println();
      }
    }
    out.flush();
    return 0;
  }

  private List<String> runOne(int size, String data) throws Exception {
    List<String> rows = new ArrayList<>();
    Path dir = Files.createTempDirectory("store-bench");
    VectorSource source = new VectorSource(data, o.dim(), o.seed());
    SplittableRandom random = new SplittableRandom(o.seed() * 31 + size);
    log("%s, %,d items: loading through the ingest path (RocksDB + index)", data, size);
    try (EmbeddingStore store = EmbeddingStore.open(dir);
        ItemIndex index = newIndex()) {
      ExactItemIndex truth = new ExactItemIndex();
      BatchApplier applier = new BatchApplier(store, index, new IngestMetrics());
      GraphItemIndex graph = index instanceof GraphItemIndex g ? g : null;
      if (graph != null) {
        graph.pauseMaintenance(); // as at store start: load everything, then build once
      }
      long loadStarted = System.nanoTime();
      for (int from = 0; from < size; from += LOAD_BATCH) {
        List<EmbeddingMutation> batch = new ArrayList<>(LOAD_BATCH);
        for (int i = from; i < Math.min(size, from + LOAD_BATCH); i++) {
          batch.add(mutation("i" + i, 0, source.next(random), bias(random)));
        }
        applyBoth(applier, truth, batch);
      }
      double loadS = seconds(loadStarted);
      long buildStarted = System.nanoTime();
      if (graph != null) {
        graph.resumeMaintenance();
        graph.awaitMaintained(Duration.ofHours(3));
      }
      double buildS = seconds(buildStarted);
      long heapMb = heapAfterGc();
      log(
          "loaded in %.1f s, index built in %.1f s, heap after GC %,d MB (RocksDB %,d MB)",
          loadS, buildS, heapMb, store.sizeEstimateBytes() >> 20);

      float[][] queries = new float[QUERY_POOL][];
      for (int q = 0; q < QUERY_POOL; q++) {
        queries[q] = source.next(random);
      }
      for (float overquery : o.overqueries()) {
        setOverquery(index, overquery);
        double recall = recall(index, truth, queries, Scoring.DOT_PLUS_BIAS);
        if (o.biasScale() > 0) {
          log(
              "overquery %.1f: recall@%d by the dot product alone (similar items) %.4f",
              overquery, o.k(), recall(index, truth, queries, Scoring.DOT));
        }
        for (int threads : o.threads()) {
          Latency l = measure(index, queries, threads);
          rows.add(row(data, size, buildS, heapMb, overquery, "0", threads, l, recall, "-"));
          log(
              "static, overquery %.1f, %d thread(s): p50 %.2f ms, p99 %.2f ms, %.0f QPS, recall@%d %.4f",
              overquery, threads, l.p50(), l.p99(), l.qps(), o.k(), recall);
        }
      }
      if (o.updateRate() > 0) {
        Updater updater = new Updater(applier, index, truth, source, random.split(), size);
        Thread thread = new Thread(updater, "bench-updater");
        thread.start();
        List<Latency> underChurn = new ArrayList<>();
        for (float overquery : o.overqueries()) {
          setOverquery(index, overquery);
          for (int threads : o.threads()) {
            underChurn.add(measure(index, queries, threads));
          }
        }
        updater.stop();
        thread.join();
        IndexStats stats = index.stats();
        String visible =
            String.format(Locale.ROOT, "%.2f/%.2f", updater.visibleP(0.5), updater.visibleP(0.99));
        int i = 0;
        for (float overquery : o.overqueries()) {
          setOverquery(index, overquery);
          double churnRecall =
              recall(
                  index,
                  truth,
                  queries,
                  Scoring.DOT_PLUS_BIAS); // against the updated catalog, delta as it stands
          for (int threads : o.threads()) {
            Latency l = underChurn.get(i++);
            rows.add(
                row(
                    data,
                    size,
                    buildS,
                    heapMb,
                    overquery,
                    String.format(Locale.ROOT, "%,.0f", updater.rate()),
                    threads,
                    l,
                    churnRecall,
                    visible));
            log(
                "%,.0f updates/s, overquery %.1f, %d thread(s): p50 %.2f ms, p99 %.2f ms, %.0f QPS, recall@%d %.4f",
                updater.rate(), overquery, threads, l.p50(), l.p99(), l.qps(), o.k(), churnRecall);
          }
        }
        log(
            "under churn: update visible p50 %.2f ms, p99 %.2f ms, max %.2f ms over %,d batches; "
                + "index: %,d graph items, %,d in the delta, %,d stale nodes, %d merges, %d rebuilds",
            updater.visibleP(0.5),
            updater.visibleP(0.99),
            updater.visibleP(1.0),
            updater.batches(),
            stats.graphItems(),
            stats.deltaItems(),
            stats.staleNodes(),
            stats.merges(),
            stats.rebuilds());
      }
    } finally {
      deleteTree(dir);
    }
    return rows;
  }

  private static void setOverquery(ItemIndex index, float overquery) {
    if (index instanceof GraphItemIndex g) {
      g.setOverquery(overquery);
    }
  }

  private ItemIndex newIndex() {
    return o.index() == IndexKind.EXACT ? new ExactItemIndex() : new GraphItemIndex(o.graph());
  }

  /**
   * Mean recall@k of {@code index} against exact search, over the first {@code --recall-queries}
   * queries.
   */
  private double recall(ItemIndex index, ExactItemIndex truth, float[][] queries, Scoring scoring) {
    int n = Math.min(o.recallQueries(), queries.length);
    double sum = 0;
    for (int q = 0; q < n; q++) {
      Set<String> exact = new HashSet<>();
      truth
          .topK(queries[q], o.k(), Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring)
          .forEach(s -> exact.add(s.itemId()));
      List<ScoredItem> approx =
          index.topK(queries[q], o.k(), Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring);
      sum +=
          approx.stream().filter(s -> exact.contains(s.itemId())).count() / (double) exact.size();
    }
    return sum / n;
  }

  private Latency measure(ItemIndex index, float[][] queries, int threads) throws Exception {
    // a short warm-up so the JIT has compiled the search before we time it
    long warmUntil = System.nanoTime() + Duration.ofMillis(500).toNanos();
    for (int i = 0; System.nanoTime() < warmUntil; i++) {
      index.topK(queries[i % queries.length], o.k(), Set.of());
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(o.seconds()).toNanos();
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
                    index.topK(queries[i % queries.length], o.k(), Set.of());
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
      double elapsed = seconds(started);
      long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
      return new Latency(
          percentile(merged, 0.5), percentile(merged, 0.99), merged.length / elapsed);
    } finally {
      pool.shutdownNow();
    }
  }

  record Latency(double p50, double p99, double qps) {}

  /**
   * Streams updates of random existing items at the configured rate, probing when each becomes
   * visible.
   */
  private final class Updater implements Runnable {
    private static final long TICK_NANOS =
        20_000_000; // a batch every 20 ms, like a consumer's small polls
    private final BatchApplier applier;
    private final ItemIndex index;
    private final ExactItemIndex truth;
    private final VectorSource source;
    private final SplittableRandom random;
    private final int items;
    private volatile boolean running = true;
    private final List<Long> visibleNanos = new ArrayList<>();
    private long updates;
    private long started;
    private long stopped;

    Updater(
        BatchApplier applier,
        ItemIndex index,
        ExactItemIndex truth,
        VectorSource source,
        SplittableRandom random,
        int items) {
      this.applier = applier;
      this.index = index;
      this.truth = truth;
      this.source = source;
      this.random = random;
      this.items = items;
    }

    @Override
    public void run() {
      started = System.nanoTime();
      long sequence = 1;
      for (long tick = 1; running; tick++) {
        // as many updates as the rate owes by now: when this thread falls behind, batches grow (as
        // a
        // consumer's polls do) rather than the rate silently dropping
        long due = (long) (o.updateRate() * ((System.nanoTime() - started) / 1e9));
        int n = (int) Math.max(0, due - updates);
        List<EmbeddingMutation> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          batch.add(
              mutation("i" + random.nextInt(items), sequence++, source.next(random), bias(random)));
        }
        if (!batch.isEmpty()) {
          long t0 = System.nanoTime();
          applier.apply(StoreBatch.of(batch));
          EmbeddingMutation probe = batch.get(batch.size() - 1);
          while (!probe
              .id()
              .equals(top(probe))) { // the update is in the exact delta: found at once
            Thread.onSpinWait();
          }
          synchronized (visibleNanos) {
            visibleNanos.add(System.nanoTime() - t0);
          }
          truth.upsertAll(toItems(batch));
          updates += n;
        }
        long sleep = started + tick * TICK_NANOS - System.nanoTime();
        if (sleep > 0) {
          try {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        }
      }
      stopped = System.nanoTime();
    }

    private String top(EmbeddingMutation m) {
      // by the dot product: the item's own vector is its own best match, whatever the other items'
      // biases
      List<ScoredItem> top =
          index.topK(m.vector().vector(), 1, Set.of(), ItemIndex.ANY_MODEL_VERSION, Scoring.DOT);
      return top.isEmpty() ? null : top.get(0).itemId();
    }

    void stop() {
      running = false;
    }

    double rate() {
      return updates / ((stopped - started) / 1e9);
    }

    long batches() {
      return visibleNanos.size();
    }

    double visibleP(double p) {
      synchronized (visibleNanos) {
        return percentile(visibleNanos.stream().mapToLong(Long::longValue).sorted().toArray(), p);
      }
    }
  }

  private void applyBoth(
      BatchApplier applier, ExactItemIndex truth, List<EmbeddingMutation> batch) {
    applier.apply(StoreBatch.of(batch));
    truth.upsertAll(toItems(batch));
  }

  private static Map<String, ItemVector> toItems(List<EmbeddingMutation> batch) {
    Map<String, ItemVector> out = new LinkedHashMap<>();
    batch.forEach(m -> out.put(m.id(), new ItemVector(m.vector().vector(), 1, m.vector().bias())));
    return out;
  }

  private static EmbeddingMutation mutation(String id, long sequence, float[] vector, float bias) {
    return EmbeddingMutation.upsert(
        Entity.ITEM,
        id,
        new StoredVector(1, sequence, System.currentTimeMillis(), vector, bias),
        "bench");
  }

  /** A Gaussian bias of standard deviation {@code --bias-scale} (0: none, and no random draw). */
  private float bias(SplittableRandom random) {
    if (o.biasScale() == 0) {
      return 0f;
    }
    double u = 1 - random.nextDouble();
    double w = random.nextDouble();
    return (float) (o.biasScale() * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w));
  }

  private String row(
      String data,
      int items,
      double buildS,
      long heapMb,
      float overquery,
      String updates,
      int threads,
      Latency l,
      double recall,
      String visible) {
    return String.format(
        Locale.ROOT,
        "| %-9s | %,9d | %8.1f | %,7d | %9.1f | %-9s | %7d | %8.2f | %8.2f | %,7.0f | %10.4f | %15s | %5.1f |",
        data,
        items,
        buildS,
        heapMb,
        overquery,
        updates,
        threads,
        l.p50(),
        l.p99(),
        l.qps(),
        recall,
        visible,
        loadAverage());
  }

  private static double percentile(long[] sortedNanos, double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sortedNanos.length - 1, Math.ceil(p * sortedNanos.length) - 1);
    return sortedNanos[Math.max(0, i)] / 1e6;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static long heapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private void log(String format, Object... args) {
    out.printf(Locale.ROOT, "  " + format + "%n", args);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

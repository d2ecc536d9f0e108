package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.Sweep.Measurement;
import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.benchmarks.store.lucene.LuceneSide;
import io.towerstream.store.IndexKind;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.GraphItemIndex;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.ingest.BatchApplier;
import io.towerstream.store.ingest.IngestMetrics;
import io.towerstream.store.rocks.EmbeddingStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.lucene.util.Version;

/**
 * The retrieval store's benchmark ({@code towerstream bench store}): for each catalog size and kind
 * of data, loads the items through the ingest path ({@link BatchApplier}: RocksDB then the index),
 * times the index build, then measures top-k latency (p50/p99) and QPS with 1 and 2 client threads
 * and recall@k against exact search, first on a static catalog, then while updates stream in at
 * {@code --updates-per-sec} per second through the same {@link BatchApplier}, measuring how long
 * each update takes to become queryable. Prints one table.
 *
 * <p>With {@code --peer lucene}, Lucene's HNSW is then built over the same generated items (the
 * same generator and seed), measured with the same queries, threads, k, ground truth and update
 * stream by the same {@link Sweep}, and two more tables compare the sides at matched recall. The
 * store is closed before Lucene starts, so the two never share the machine. Not a test: it asserts
 * nothing.
 */
public final class StoreBenchmark {
  private static final int QUERY_POOL = 1000;
  private static final int LOAD_BATCH = 1000;

  private final BenchOptions o;
  private final PrintWriter out;
  private final PeerReport peerReport;

  private StoreBenchmark(BenchOptions o, PrintWriter out) {
    this.o = o;
    this.out = out;
    this.peerReport = new PeerReport(o.k(), o.recallTargets());
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
        Sweep.loadAverage());
    out.printf(
        Locale.ROOT,
        "index %s, M %d, construction beam %d, overquery %s, d=%d, k=%d, %d s per "
            + "measurement, churn %d updates/s, bias scale %s%n",
        o.index().name().toLowerCase(Locale.ROOT),
        o.graph().maxDegree(),
        o.graph().constructionBeam(),
        o.overqueries(),
        o.dim(),
        o.k(),
        o.seconds(),
        o.updateRate(),
        o.biasScale());
    if (o.lucenePeerEnabled()) {
      out.printf(
          Locale.ROOT,
          "peer: Lucene %s HNSW, M %d, construction beam %d, ef %s, reopen every %d ms under churn; "
              + "recall targets %s%n",
          Version.LATEST,
          o.lucene().maxConn(),
          o.lucene().beamWidth(),
          o.lucene().efs(),
          o.lucene().refreshMs(),
          o.recallTargets());
    }
    out.println();
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
        if (o.lucenePeerEnabled()) {
          out.println();
          peerReport.lines().forEach(out::println);
        }
        out.println();
      }
    }
    out.flush();
    return 0;
  }

  private List<String> runOne(int size, String data) throws Exception {
    List<String> rows = new ArrayList<>();
    BenchData catalog = BenchData.catalog(o, data, size);
    float[][] queries = new float[QUERY_POOL][];
    // the benchmark's own data lives on across the store's side, so that the heap can be measured
    // with the store and once it is gone (its method returned: no frame of it holds a reference)
    ExactItemIndex truth = new ExactItemIndex();
    SideResult store = runStore(size, data, catalog, truth, queries, rows);
    store = store.withOwnHeap(Math.max(0, store.heapMb() - heapAfterGc()));
    log("the store alone held %,d MB of heap", store.ownHeapMb());
    truth = null; // the peer fills a ground truth of its own
    if (o.lucenePeerEnabled()) {
      SideResult lucene = runLucene(size, data, queries);
      peerReport.add(data, size, store, lucene);
    }
    return rows;
  }

  /**
   * The store's side: loads {@code catalog} through the ingest path into RocksDB and the index (and
   * into {@code truth}), builds, draws {@code queries}, sweeps; adds its rows to {@code rows}.
   */
  private SideResult runStore(
      int size,
      String data,
      BenchData catalog,
      ExactItemIndex truth,
      float[][] queries,
      List<String> rows)
      throws Exception {
    Path dir = Files.createTempDirectory("store-bench");
    log("%s, %,d items: loading through the ingest path (RocksDB + index)", data, size);
    try (EmbeddingStore rocks = EmbeddingStore.open(dir);
        ItemIndex index = newIndex()) {
      StoreSide side =
          new StoreSide(
              new BatchApplier(rocks, index, new IngestMetrics()), index, o.overqueries());
      GraphItemIndex graph = index instanceof GraphItemIndex g ? g : null;
      if (graph != null) {
        graph.pauseMaintenance(); // as at store start: load everything, then build once
      }
      long loadStarted = System.nanoTime();
      for (int from = 0; from < size; from += LOAD_BATCH) {
        List<ItemUpdate> batch = new ArrayList<>(LOAD_BATCH);
        for (int i = from; i < Math.min(size, from + LOAD_BATCH); i++) {
          batch.add(catalog.item(i));
        }
        side.load(batch);
        truth.upsertAll(Churn.toItems(batch));
      }
      double loadS = seconds(loadStarted);
      long buildStarted = System.nanoTime();
      if (graph != null) {
        graph.resumeMaintenance();
        graph.awaitMaintained(Duration.ofHours(3));
      }
      double buildS = seconds(buildStarted);
      long heapMb = heapAfterGc();
      long rocksBytes = rocks.sizeEstimateBytes();
      log(
          "loaded in %.1f s, index built in %.1f s, heap after GC %,d MB (RocksDB %,d MB)",
          loadS, buildS, heapMb, rocksBytes >> 20);

      for (int q = 0; q < QUERY_POOL; q++) {
        queries[q] = catalog.query();
      }
      Sweep.Result result =
          new Sweep(o, this::logLine)
              .run(side, truth, queries, BenchData.churn(o, data, size), size);
      for (Measurement m : result.measurements()) {
        rows.add(row(data, size, buildS, heapMb, m));
      }
      return new SideResult("towerstream", "overquery", buildS, heapMb, 0, rocksBytes, result);
    } finally {
      deleteTree(dir);
    }
  }

  /**
   * Lucene's side: the same items regenerated from the same seed, the same queries (checked), a
   * fresh ground truth of the initial catalog, and the same churn stream.
   */
  private SideResult runLucene(int size, String data, float[][] queries) throws Exception {
    BenchData catalog = BenchData.catalog(o, data, size);
    ExactItemIndex truth = new ExactItemIndex();
    Path dir = Files.createTempDirectory("lucene-bench");
    SideResult peer;
    int threads = o.graph().buildThreads();
    LuceneOptions lo = o.lucene();
    log(
        "%s, %,d items: Lucene HNSW (M %d, beam %d), loading from %d threads, then one segment",
        data, size, lo.maxConn(), lo.beamWidth(), threads);
    try (LuceneSide lucene =
        new LuceneSide(dir, lo.maxConn(), lo.beamWidth(), threads, o.biasScale() > 0)) {
      double buildS = buildLucene(lucene, catalog, truth, size, threads);
      for (float[] query : queries) {
        if (!Arrays.equals(query, catalog.query())) {
          throw new IllegalStateException("the peer's generated queries differ from the store's");
        }
      }
      long heapMb = heapAfterGc();
      long diskBytes = lucene.sizeOnDisk();
      log(
          "Lucene: loaded and built in %.1f s, heap after GC %,d MB, index files %,d MB; %s",
          buildS, heapMb, diskBytes >> 20, lucene.summary());
      Sweep.Result result =
          new Sweep(o, this::logLine)
              .run(
                  new LucenePeer(lucene, lo.efs()),
                  truth,
                  queries,
                  BenchData.churn(o, data, size),
                  size);
      peer = new SideResult("lucene", "ef", buildS, heapMb, 0, diskBytes, result);
    } finally {
      deleteTree(dir);
    }
    peer = peer.withOwnHeap(Math.max(0, peer.heapMb() - heapAfterGc()));
    log("Lucene alone held %,d MB of heap", peer.ownHeapMb());
    return peer;
  }

  /**
   * Generates the items and fills the ground truth, then adds them to Lucene and opens it; returns
   * the seconds of the last two (the graph is built as documents are added and merged). Keeps no
   * copy of the items.
   */
  private double buildLucene(
      LuceneSide lucene, BenchData catalog, ExactItemIndex truth, int size, int threads)
      throws Exception {
    List<ItemUpdate> items = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      items.add(catalog.item(i));
    }
    for (int from = 0; from < size; from += LOAD_BATCH) {
      truth.upsertAll(Churn.toItems(items.subList(from, Math.min(size, from + LOAD_BATCH))));
    }
    long started = System.nanoTime();
    lucene.load(items, threads);
    lucene.open(o.lucene().refreshMs());
    return seconds(started);
  }

  private ItemIndex newIndex() {
    return o.index() == IndexKind.EXACT ? new ExactItemIndex() : new GraphItemIndex(o.graph());
  }

  private static String row(String data, int items, double buildS, long heapMb, Measurement m) {
    return String.format(
            Locale.ROOT,
            "| %-9s | %,9d | %8.1f | %,7d | %9.1f | ",
            data,
            items,
            buildS,
            heapMb,
            m.setting())
        + m.cells();
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  private static long heapAfterGc() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return (rt.totalMemory() - rt.freeMemory()) >> 20;
  }

  private void log(String format, Object... args) {
    logLine(String.format(Locale.ROOT, format, args));
  }

  private void logLine(String line) {
    out.println("  " + line);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

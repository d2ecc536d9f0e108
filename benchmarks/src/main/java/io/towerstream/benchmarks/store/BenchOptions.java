package io.towerstream.benchmarks.store;

import io.towerstream.config.Option;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
import io.towerstream.config.ValueType;
import io.towerstream.store.IndexKind;
import io.towerstream.store.index.GraphIndexOptions;
import java.util.List;
import java.util.Locale;

/**
 * {@link StoreBenchmark}'s options, each declared once below (and taken as they are by {@code
 * towerstream bench store}); every option has a default, so no argument at all runs the quick
 * benchmark (100k clustered items, d=64, about a minute on 2 cores).
 *
 * @param biasScale standard deviation of the items' Gaussian biases (0: none); queries rank by
 *     {@code dot + bias}, so this measures the graph's recall of the biased score
 * @param peer {@code none}, or {@code lucene}: Lucene's HNSW measured the same way in the same run
 * @param recallTargets the recall levels at which the peer comparison matches the two sides
 */
public record BenchOptions(
    List<Integer> items,
    List<String> data,
    int dim,
    int k,
    List<Integer> threads,
    int seconds,
    int updateRate,
    int recallQueries,
    IndexKind index,
    GraphIndexOptions graph,
    List<Float> overqueries,
    double biasScale,
    long seed,
    String peer,
    LuceneOptions lucene,
    List<Double> recallTargets) {

  public BenchOptions {
    recallTargets = List.copyOf(recallTargets);
  }

  /** Whether Lucene's HNSW runs beside the store. */
  public boolean lucenePeerEnabled() {
    return peer.equals("lucene");
  }

  private enum Peer {
    NONE,
    LUCENE
  }

  private static final GraphIndexOptions GRAPH = GraphIndexOptions.defaults();
  private static final LuceneOptions LUCENE = LuceneOptions.defaults();
  private static final ValueType<Integer> COUNT = intAtLeast(0, "a non-negative integer");
  private static final ValueType<Integer> POSITIVE = intAtLeast(1, "a positive integer");
  private static final ValueType<String> DATA_KIND =
      new ValueType<>(
          "random or clustered",
          s -> {
            String kind = s.toLowerCase(Locale.ROOT);
            if (!kind.equals("random") && !kind.equals("clustered")) {
              throw new IllegalArgumentException(s);
            }
            return kind;
          },
          s -> s);

  static final Option<List<Integer>> ITEMS =
      Option.of("items", ValueType.listOf(POSITIVE))
          .defaultValue(List.of(100_000))
          .doc("Catalog sizes, N[,N...] (the full run: 100000,1000000).");
  static final Option<List<String>> DATA =
      Option.of("data", ValueType.listOf(DATA_KIND))
          .defaultValue(List.of("clustered"))
          .doc(
              "random (Gaussian, the worst case for a graph) and/or clustered (1,000 Gaussian"
                  + " clusters), KIND[,KIND...].");
  static final Option<Integer> DIM =
      Option.of("dim", POSITIVE).defaultValue(64).doc("Vector dimension.");
  static final Option<Integer> K =
      Option.of("k", POSITIVE)
          .defaultValue(100)
          .check(k -> k <= 1000, "at most 1000 (what the store answers)")
          .doc("Candidates per query, 1 to 1000.");
  static final Option<List<Integer>> THREADS =
      Option.of("threads", ValueType.listOf(POSITIVE))
          .defaultValue(List.of(1, 2))
          .doc("Client threads, T[,T...], one measurement each.");
  static final Option<Integer> SECONDS =
      Option.of("seconds", POSITIVE).defaultValue(5).doc("Length of each latency/QPS measurement.");
  static final Option<Integer> UPDATES_PER_SEC =
      Option.of("updates-per-sec", COUNT)
          .defaultValue(1000)
          .doc("Updates/s streamed in during the churn phase, 0 = none.");
  static final Option<Integer> RECALL_QUERIES =
      Option.of("recall-queries", POSITIVE)
          .defaultValue(200)
          .doc("Queries whose top-k is compared with exact search.");
  static final Option<IndexKind> INDEX =
      Option.enumOption("index", IndexKind.class)
          .defaultValue(IndexKind.HNSW)
          .doc("The store's index: a graph (hnsw), exact search, or auto (exact while small).");
  static final Option<Integer> HNSW_MAX_DEGREE =
      Option.of("hnsw-max-degree", POSITIVE).defaultValue(GRAPH.maxDegree()).doc("Graph degree M.");
  static final Option<Integer> HNSW_BEAM_WIDTH =
      Option.of("hnsw-beam-width", POSITIVE)
          .defaultValue(GRAPH.constructionBeam())
          .doc("Graph construction beam.");
  static final Option<List<Float>> HNSW_OVERQUERY =
      Option.of("hnsw-overquery", ValueType.listOf(ValueType.FLOAT))
          .defaultValue(List.of(GRAPH.overquery()))
          .defaultText("3")
          .check(fs -> fs.stream().allMatch(f -> f >= 1), "numbers of at least 1")
          .doc("Search beam = k x F, F[,F...]; several values are measured on the same graph.");
  static final Option<Integer> INDEX_BUILD_THREADS =
      Option.of("index-build-threads", POSITIVE)
          .defaultValue(GRAPH.buildThreads())
          .defaultText("all cores")
          .doc("Threads of the graph build.");
  static final Option<Double> BIAS_SCALE =
      Option.doubleOption("bias-scale")
          .defaultValue(0.0)
          .check(s -> s >= 0, "a non-negative number")
          .doc(
              "Items get Gaussian biases of this standard deviation; queries rank by dot + bias"
                  + " (0: no bias).");
  static final Option<Long> SEED = Option.longOption("seed").defaultValue(42L).doc("Random seed.");
  static final Option<Peer> PEER =
      Option.enumOption("peer", Peer.class)
          .defaultValue(Peer.NONE)
          .doc(
              "none|lucene: also build Lucene's HNSW over the same vectors and measure it with the"
                  + " same queries, threads, ground truth and updates, then print QPS and p99 of both"
                  + " at matched recall, and their memory.");
  static final Option<Integer> LUCENE_MAX_CONN =
      Option.of("lucene-max-conn", COUNT)
          .defaultValue(LUCENE.maxConn())
          .check(m -> m >= 1 && m <= 512, "from 1 to 512")
          .doc("Lucene's HNSW M; layer 0 keeps 2M links, so 16 matches the store's degree 32.");
  static final Option<Integer> LUCENE_BEAM_WIDTH =
      Option.of("lucene-beam-width", COUNT)
          .defaultValue(LUCENE.beamWidth())
          .check(b -> b >= 1 && b <= 3200, "from 1 to 3200")
          .doc("Lucene's construction beam.");
  static final Option<List<Integer>> LUCENE_EF =
      Option.of("lucene-ef", ValueType.listOf(POSITIVE))
          .defaultValue(LUCENE.efs())
          .doc(
              "Lucene's search beams, E[,E...], each at least --k: a query asks for ef hits and"
                  + " keeps the best k; several values are measured on one index.");
  static final Option<Integer> LUCENE_REFRESH_MS =
      Option.of("lucene-refresh-ms", COUNT)
          .defaultValue(LUCENE.refreshMs())
          .check(ms -> ms >= 1, "at least 1")
          .doc("Lucene's near-real-time reopen interval under churn.");
  static final Option<List<Double>> RECALL_TARGETS =
      Option.of("recall-targets", ValueType.listOf(ValueType.DOUBLE))
          .defaultValue(List.of(0.95, 0.99))
          .check(rs -> rs.stream().allMatch(r -> r > 0 && r <= 1), "numbers in (0, 1]")
          .doc("Recall@k levels at which the peer comparison matches the sides, R[,R...].");

  /** Every option of the benchmark, read by the one rule set of the config module. */
  public static final OptionSet OPTIONS =
      OptionSet.of(
          ITEMS,
          DATA,
          DIM,
          K,
          THREADS,
          SECONDS,
          UPDATES_PER_SEC,
          RECALL_QUERIES,
          INDEX,
          HNSW_MAX_DEGREE,
          HNSW_BEAM_WIDTH,
          HNSW_OVERQUERY,
          INDEX_BUILD_THREADS,
          BIAS_SCALE,
          SEED,
          PEER,
          LUCENE_MAX_CONN,
          LUCENE_BEAM_WIDTH,
          LUCENE_EF,
          LUCENE_REFRESH_MS,
          RECALL_TARGETS);

  static final String USAGE =
      OPTIONS.usage("Usage: StoreBenchmark [options]   (run with e.g. -Xmx6g for 1M items)", "")
          + "A quick run: no option (100k clustered items, about a minute on 2 cores).";

  private static ValueType<Integer> intAtLeast(int min, String expected) {
    return new ValueType<>(
        expected,
        s -> {
          int n = ValueType.INT.parse().apply(s);
          if (n < min) {
            throw new IllegalArgumentException(s);
          }
          return n;
        },
        Object::toString);
  }

  /**
   * @throws IllegalArgumentException naming the option, for an unknown option or a bad value
   */
  public static BenchOptions parse(String[] args) {
    OptionValues v = OPTIONS.parse(args);
    int k = v.get(K);
    String peer = v.get(PEER).name().toLowerCase(Locale.ROOT);
    for (int ef : peer.equals("lucene") ? v.get(LUCENE_EF) : List.<Integer>of()) {
      if (ef < k) {
        throw new IllegalArgumentException(
            "--lucene-ef values must be at least --k (" + k + "), got " + ef);
      }
    }
    IndexKind index = v.get(INDEX);
    List<Float> overqueries = v.get(HNSW_OVERQUERY);
    GraphIndexOptions graph =
        GRAPH
            .withGraph(v.get(HNSW_MAX_DEGREE), v.get(HNSW_BEAM_WIDTH), overqueries.get(0))
            .withBuildThreads(v.get(INDEX_BUILD_THREADS))
            .withMinGraphItems(index == IndexKind.HNSW ? 0 : GRAPH.minGraphItems());
    return new BenchOptions(
        v.get(ITEMS),
        v.get(DATA),
        v.get(DIM),
        k,
        v.get(THREADS),
        v.get(SECONDS),
        v.get(UPDATES_PER_SEC),
        v.get(RECALL_QUERIES),
        index,
        graph,
        overqueries,
        v.get(BIAS_SCALE),
        v.get(SEED),
        peer,
        new LuceneOptions(
            v.get(LUCENE_MAX_CONN),
            v.get(LUCENE_BEAM_WIDTH),
            v.get(LUCENE_EF),
            v.get(LUCENE_REFRESH_MS)),
        v.get(RECALL_TARGETS));
  }
}

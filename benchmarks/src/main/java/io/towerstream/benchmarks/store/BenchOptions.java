package io.towerstream.benchmarks.store;

import io.towerstream.store.IndexKind;
import io.towerstream.store.index.GraphIndexOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link StoreBenchmark}'s options, parsed from {@code --name value}; every option has a default,
 * so no argument at all runs the quick benchmark (100k items, random and clustered, d=64).
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

  static final String USAGE =
      """
      Usage: StoreBenchmark [options]   (run with e.g. -Xmx6g for 1M items)
        --items N[,N...]        catalog sizes (default 100000; the full run: 100000,1000000)
        --data KIND[,KIND...]   random (Gaussian, hard for graphs) and/or clustered (1,000 Gaussian clusters)
                                (default random,clustered)
        --dim D                 vector dimension (default 64)
        --k K                   candidates per query (default 100)
        --threads T[,T...]      client threads (default 1,2)
        --seconds S             length of each latency/QPS measurement (default 5)
        --updates-per-sec R     updates/s streamed in during the churn phase, 0 = none (default 1000)
        --recall-queries Q      queries whose top-k is compared with exact search (default 200)
        --index KIND            hnsw|exact|auto (default hnsw)
        --hnsw-max-degree M     graph degree (default 32)
        --hnsw-beam-width B     construction beam (default 100)
        --hnsw-overquery F[,F...]  search beam = k x F; several values are measured on the same graph
                                (default 3)
        --index-build-threads N threads of the graph build (default: all cores)
        --bias-scale S          items get Gaussian biases of this standard deviation; queries rank by
                                dot + bias (default 0: no bias)
        --seed S                random seed (default 42)
        --peer none|lucene      also measure Lucene's HNSW on the same vectors, queries and updates, and
                                print QPS and p99 of both at matched recall (default none)
        --lucene-max-conn M     Lucene's HNSW M (layer 0 keeps 2M) (default 16)
        --lucene-beam-width B   Lucene's construction beam (default 100)
        --lucene-ef E[,E...]    Lucene's search beams, each at least k (default 100,200,400)
        --lucene-refresh-ms MS  Lucene's near-real-time reopen interval under churn (default 100)
        --recall-targets R[,R...]  recall@k levels the comparison matches (default 0.95,0.99)
      A quick run: --items 100000 --data clustered (about a minute on 2 cores).""";

  /**
   * @throws IllegalArgumentException naming the option, for an unknown option or a bad value
   */
  public static BenchOptions parse(String[] args) {
    List<Integer> items = List.of(100_000);
    List<String> data = List.of("random", "clustered");
    int dim = 64;
    int k = 100;
    List<Integer> threads = List.of(1, 2);
    int seconds = 5;
    int updateRate = 1000;
    int recallQueries = 200;
    IndexKind index = IndexKind.HNSW;
    GraphIndexOptions graph = GraphIndexOptions.defaults();
    int degree = graph.maxDegree();
    int beam = graph.constructionBeam();
    List<Float> overqueries = List.of(graph.overquery());
    int buildThreads = graph.buildThreads();
    double biasScale = 0;
    long seed = 42;
    String peer = "none";
    LuceneOptions lucene = LuceneOptions.defaults();
    int luceneMaxConn = lucene.maxConn();
    int luceneBeam = lucene.beamWidth();
    List<Integer> luceneEfs = lucene.efs();
    int luceneRefreshMs = lucene.refreshMs();
    List<Double> recallTargets = List.of(0.95, 0.99);
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + name + " needs a value");
      }
      String v = args[++i];
      switch (name) {
        case "--items" -> items = ints(name, v);
        case "--data" -> {
          data = List.of(v.toLowerCase(Locale.ROOT).split(","));
          for (String d : data) {
            if (!d.equals("random") && !d.equals("clustered")) {
              throw new IllegalArgumentException(
                  "--data must be random and/or clustered, got '" + d + "'");
            }
          }
        }
        case "--dim" -> dim = ints(name, v).get(0);
        case "--k" -> k = ints(name, v).get(0);
        case "--threads" -> threads = ints(name, v);
        case "--seconds" -> seconds = ints(name, v).get(0);
        case "--updates-per-sec" -> updateRate = ints(name, v).get(0);
        case "--recall-queries" -> recallQueries = ints(name, v).get(0);
        case "--index" -> index = IndexKind.valueOf(v.toUpperCase(Locale.ROOT));
        case "--hnsw-max-degree" -> degree = ints(name, v).get(0);
        case "--hnsw-beam-width" -> beam = ints(name, v).get(0);
        case "--hnsw-overquery" -> {
          List<Float> values = new ArrayList<>();
          for (String part : v.split(",")) {
            values.add(Float.parseFloat(part.trim()));
          }
          overqueries = List.copyOf(values);
        }
        case "--index-build-threads" -> buildThreads = ints(name, v).get(0);
        case "--bias-scale" -> biasScale = nonNegative(name, v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--peer" -> {
          peer = v.toLowerCase(Locale.ROOT);
          if (!peer.equals("none") && !peer.equals("lucene")) {
            throw new IllegalArgumentException("--peer must be none or lucene, got '" + v + "'");
          }
        }
        case "--lucene-max-conn" -> luceneMaxConn = ints(name, v).get(0);
        case "--lucene-beam-width" -> luceneBeam = ints(name, v).get(0);
        case "--lucene-ef" -> luceneEfs = ints(name, v);
        case "--lucene-refresh-ms" -> luceneRefreshMs = ints(name, v).get(0);
        case "--recall-targets" -> recallTargets = fractions(name, v);
        default -> throw new IllegalArgumentException("unknown option " + name);
      }
    }
    for (int ef : peer.equals("lucene") ? luceneEfs : List.<Integer>of()) {
      if (ef < k) {
        throw new IllegalArgumentException(
            "--lucene-ef values must be at least --k (" + k + "), got " + ef);
      }
    }
    if (luceneMaxConn < 1 || luceneMaxConn > 512) {
      throw new IllegalArgumentException("--lucene-max-conn must be from 1 to 512");
    }
    if (luceneBeam < 1 || luceneBeam > 3200) {
      throw new IllegalArgumentException("--lucene-beam-width must be from 1 to 3200");
    }
    if (luceneRefreshMs < 1) {
      throw new IllegalArgumentException("--lucene-refresh-ms must be at least 1");
    }
    graph =
        graph
            .withGraph(degree, beam, overqueries.get(0))
            .withBuildThreads(buildThreads)
            .withMinGraphItems(index == IndexKind.HNSW ? 0 : graph.minGraphItems());
    return new BenchOptions(
        items,
        data,
        dim,
        k,
        threads,
        seconds,
        updateRate,
        recallQueries,
        index,
        graph,
        overqueries,
        biasScale,
        seed,
        peer,
        new LuceneOptions(luceneMaxConn, luceneBeam, luceneEfs, luceneRefreshMs),
        recallTargets);
  }

  private static List<Double> fractions(String option, String v) {
    List<Double> out = new ArrayList<>();
    for (String part : v.split(",")) {
      double d;
      try {
        d = Double.parseDouble(part.trim());
      } catch (NumberFormatException e) {
        d = Double.NaN;
      }
      if (!(d > 0 && d <= 1)) {
        throw new IllegalArgumentException(option + " needs numbers in (0, 1], got '" + v + "'");
      }
      out.add(d);
    }
    return List.copyOf(out);
  }

  private static double nonNegative(String option, String v) {
    try {
      double d = Double.parseDouble(v.trim());
      if (d >= 0 && Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " needs a non-negative number, got '" + v + "'");
  }

  private static List<Integer> ints(String option, String v) {
    List<Integer> out = new ArrayList<>();
    for (String part : v.split(",")) {
      try {
        int n = Integer.parseInt(part.trim().replace("_", ""));
        if (n < 0) {
          throw new NumberFormatException();
        }
        out.add(n);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            option + " needs non-negative integers, got '" + v + "'");
      }
    }
    return List.copyOf(out);
  }
}

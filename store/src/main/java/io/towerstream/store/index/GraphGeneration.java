package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * One graph generation: the nodes of a snapshot in a graph built whole and then frozen ({@link
 * CompactGraph}), plus a second, growing jvector graph of the nodes merged in since, each searched
 * by queries and both replaced whole by the next rebuild. It knows nothing of which nodes are
 * current: callers pass the set of acceptable ordinals to {@link #search}.
 *
 * <p>Why two graphs: jvector's mutable graph costs about 390 bytes a node at M 32 (each neighbour
 * list sized for the overflow of a build, with a score beside each link, kept for later
 * insertions), the frozen one about 4 bytes a link. Freezing the bulk leaves the mutable cost only
 * to the nodes merged since the last rebuild. A merged node links only to other merged nodes, so a
 * query searches both graphs: the frozen one for the top k, then the growing one for the nodes at
 * least as good as the k-th of those ({@link FloorSearch}), which for most queries ends after a few
 * steps.
 *
 * <p>Thread safety: any number of searches run alongside one inserting thread (jvector's concurrent
 * insertion into the growing graph); {@link #build} runs before the generation is shared.
 */
final class GraphGeneration implements AutoCloseable {
  private static final int BUILD_CHUNK = 1024;

  final GraphNodes nodes;
  private final NodeScoreProvider scores;
  private final GraphIndexOptions options;
  private final ForkJoinPool pool;

  /**
   * Searchers not in use, each with its scratch space sized to the graph. A pool owned by the
   * generation rather than thread-locals: a thread-local would keep a replaced generation's whole
   * graph reachable from every long-lived query thread until that thread's map happened to be
   * cleaned.
   */
  private final ConcurrentLinkedDeque<GraphSearcher> idleSearchers = new ConcurrentLinkedDeque<>();

  private final ConcurrentLinkedDeque<FloorSearch> idleFloorSearches =
      new ConcurrentLinkedDeque<>();

  /** The frozen graph of the snapshot; package-private for a test that it is released. */
  final CompactGraph graph;

  /** The graph of the nodes merged since the build; null until the first merge. */
  private volatile GraphIndexBuilder growing;

  private GraphGeneration(
      GraphNodes nodes,
      NodeScoreProvider scores,
      CompactGraph graph,
      GraphIndexOptions options,
      ForkJoinPool pool) {
    this.nodes = nodes;
    this.scores = scores;
    this.graph = graph;
    this.options = options;
    this.pool = pool;
  }

  /**
   * Builds a graph over {@code items} on {@code pool}, node {@code i} at ordinal {@code i}; returns
   * null when {@code cancelled} turns true meanwhile. Does not mutate {@code items}; copies their
   * vectors.
   */
  static GraphGeneration build(
      List<ExactItemIndex.Entry> items,
      int dim,
      GraphIndexOptions options,
      ForkJoinPool pool,
      BooleanSupplier cancelled) {
    GraphNodes nodes =
        GraphNodes.forBiases(dim, items.stream().map(ExactItemIndex.Entry::bias).toList());
    for (ExactItemIndex.Entry e : items) {
      nodes.append(e.id(), e.unit(), e.modelVersion(), e.bias());
    }
    NodeScoreProvider scores = new NodeScoreProvider(nodes);
    // refining revisits the links once the graph is whole
    GraphIndexBuilder builder = newBuilder(scores, options, pool, true);
    try {
      // in chunks, so a close() during a build of minutes is noticed within one chunk
      for (int from = 0; from < nodes.size(); from += BUILD_CHUNK) {
        if (cancelled.getAsBoolean()) {
          return null;
        }
        int lower = from;
        int upper = Math.min(nodes.size(), from + BUILD_CHUNK);
        pool.submit(
                () ->
                    IntStream.range(lower, upper)
                        .parallel()
                        .forEach(ord -> builder.addGraphNode(ord, scores.searchProviderFor(ord))))
            .join();
      }
      builder.cleanup();
      return new GraphGeneration(
          nodes, scores, CompactGraph.copyOf(builder.getGraph()), options, pool);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      closeQuietly(builder);
    }
  }

  private static GraphIndexBuilder newBuilder(
      NodeScoreProvider scores, GraphIndexOptions options, ForkJoinPool pool, boolean refine) {
    return new GraphIndexBuilder(
        scores,
        scores.dimension(),
        options.maxDegree(),
        options.constructionBeam(),
        options.neighborOverflow(),
        options.alpha(),
        // a hierarchy (HNSW's upper layers) finds the query's region of a large graph at once
        // instead of walking there on the base layer; with the links of the whole graph refined
        // once it is built, recall@100 at 1M clustered items and a search beam of 200 went from
        // 0.968 to 0.9955, queries 1.4x as fast (docs/performance.md)
        true,
        refine,
        pool,
        pool);
  }

  /**
   * Appends an item as a new node and links it into the growing graph (the one inserting thread);
   * returns its ordinal.
   */
  int insert(ExactItemIndex.Entry item) {
    int ord = nodes.append(item.id(), item.unit(), item.modelVersion(), item.bias());
    GraphIndexBuilder g = growing;
    if (g == null) {
      // nothing to refine: a growing graph is never finished
      g = newBuilder(scores, options, pool, false);
      growing = g;
    }
    g.addGraphNode(ord, scores.searchProviderFor(ord));
    return ord;
  }

  /**
   * Adds to {@code out} the best of the {@code accept}ed nodes for a unit query, searching with
   * {@code beam}, each rescored exactly from the node's unit vector and bias by {@code scoring}:
   * the same float arithmetic as the exact scan, so scores and ties agree with it bit for bit.
   * Mutates only {@code out}.
   */
  void search(float[] unit, int k, int beam, Bits accept, Scoring scoring, List<ScoredItem> out) {
    SearchScoreProvider query = scores.forQuery(nodes.query(unit, scoring));
    GraphSearcher searcher = borrow(idleSearchers, () -> new GraphSearcher(graph));
    SearchResult.NodeScore[] bulk;
    try {
      // no threshold: with a bias, the dot-product similarity of the indexed vectors can be
      // negative, and a threshold of 0 would silently drop those nodes
      bulk =
          searcher
              .search(query, k, beam, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY, accept)
              .getNodes();
    } finally {
      idleSearchers.offerFirst(searcher);
    }
    for (SearchResult.NodeScore node : bulk) {
      addHit(node.node, unit, scoring, out);
    }
    GraphIndexBuilder g = growing;
    if (g != null) {
      // only a merged node at least as similar as the bulk's k-th best can enter the top k
      float floor = bulk.length < k ? Float.NEGATIVE_INFINITY : bulk[bulk.length - 1].score;
      FloorSearch floorSearch = borrow(idleFloorSearches, FloorSearch::new);
      int[] merged;
      try {
        // a fresh view per search: jvector's view of a graph still being written shows the nodes
        // whose insertion had completed when it was taken
        merged =
            floorSearch.search(
                g.getGraph().getView(), query.scoreFunction(), accept, floor, k, beam);
      } finally {
        idleFloorSearches.offerFirst(floorSearch);
      }
      for (int ord : merged) {
        addHit(ord, unit, scoring, out);
      }
    }
  }

  /** An idle searcher from {@code idle}, or a new one; the caller offers it back when done. */
  private static <T> T borrow(ConcurrentLinkedDeque<T> idle, Supplier<T> create) {
    T searcher = idle.pollFirst();
    return searcher != null ? searcher : create.get();
  }

  private void addHit(int ord, float[] unit, Scoring scoring, List<ScoredItem> out) {
    float bias = nodes.bias(ord);
    float score = scoring.score(nodes.unitDot(unit, ord), bias);
    out.add(new ScoredItem(nodes.id(ord), score, bias));
  }

  /** The nodes merged into the growing graph since the build. */
  int grownNodes() {
    return nodes.size() - graph.getIdUpperBound();
  }

  @Override
  public void close() {
    GraphIndexBuilder g = growing;
    if (g != null) {
      closeQuietly(g);
    }
  }

  private static void closeQuietly(GraphIndexBuilder builder) {
    try {
      builder.close();
    } catch (IOException e) {
      org.slf4j.LoggerFactory.getLogger(GraphGeneration.class)
          .warn("closing a graph builder failed: {}", e.toString());
    }
  }
}

package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.util.Bits;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * One jvector graph and its nodes: built whole from a snapshot, grown one node at a time by merges,
 * searched by queries, and replaced whole by the next rebuild. It knows nothing of which nodes are
 * current: callers pass the set of acceptable ordinals to {@link #search}.
 *
 * <p>Thread safety: any number of searches run alongside one inserting thread (jvector's concurrent
 * insertion); {@link #build} runs before the generation is shared.
 */
final class GraphGeneration implements AutoCloseable {
  private static final int BUILD_CHUNK = 1024;

  final GraphNodes nodes;
  private final NodeScoreProvider scores;
  private final GraphIndexBuilder builder;

  /**
   * Searchers not in use, each with its scratch space sized to the graph. A pool owned by the
   * generation rather than thread-locals: a thread-local would keep a replaced generation's whole
   * graph reachable from every long-lived query thread until that thread's map happened to be
   * cleaned.
   */
  private final ConcurrentLinkedDeque<GraphSearcher> idleSearchers = new ConcurrentLinkedDeque<>();

  /** The graph; package-private for a test that it is released with the generation. */
  final ImmutableGraphIndex graph;

  private GraphGeneration(GraphNodes nodes, NodeScoreProvider scores, GraphIndexBuilder builder) {
    this.nodes = nodes;
    this.scores = scores;
    this.builder = builder;
    this.graph = builder.getGraph();
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
    GraphIndexBuilder builder =
        new GraphIndexBuilder(
            scores,
            nodes.dimension(),
            options.maxDegree(),
            options.constructionBeam(),
            options.neighborOverflow(),
            options.alpha(),
            // a hierarchy (HNSW's upper layers) finds the query's region of a large graph at once
            // instead of walking there on the base layer, and refining revisits the links once the
            // graph is whole: at 1M clustered items recall@100 with a search beam of 200 went from
            // 0.968 to 0.9955, queries 1.4x as fast (docs/performance.md)
            true,
            true,
            pool,
            pool);
    // in chunks, so a close() during a build of minutes is noticed within one chunk
    for (int from = 0; from < nodes.size(); from += BUILD_CHUNK) {
      if (cancelled.getAsBoolean()) {
        closeQuietly(builder);
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
    return new GraphGeneration(nodes, scores, builder);
  }

  /**
   * Appends an item as a new node and links it into the live graph (the one inserting thread);
   * returns its ordinal.
   */
  int insert(ExactItemIndex.Entry item) {
    int ord = nodes.append(item.id(), item.unit(), item.modelVersion(), item.bias());
    builder.addGraphNode(ord, scores.searchProviderFor(ord));
    return ord;
  }

  /**
   * Adds to {@code out} the best of the {@code accept}ed nodes for a unit query, searching with
   * {@code beam}, each rescored exactly from the node's unit vector and bias by {@code scoring}:
   * the same float arithmetic as the exact scan, so scores and ties agree with it bit for bit.
   * Mutates only {@code out}.
   */
  void search(float[] unit, int k, int beam, Bits accept, Scoring scoring, List<ScoredItem> out) {
    GraphSearcher searcher = idleSearchers.pollFirst();
    if (searcher == null) {
      searcher = new GraphSearcher(graph);
    }
    SearchResult result;
    try {
      // no threshold: with a bias, the dot-product similarity of the indexed vectors can be
      // negative, and a threshold of 0 would silently drop those nodes
      result =
          searcher.search(
              scores.forQuery(nodes.query(unit, scoring)),
              k,
              beam,
              Float.NEGATIVE_INFINITY,
              Float.NEGATIVE_INFINITY,
              accept);
    } finally {
      idleSearchers.offerFirst(searcher);
    }
    for (SearchResult.NodeScore node : result.getNodes()) {
      float bias = nodes.bias(node.node);
      float score = scoring.score(nodes.unitDot(unit, node.node), bias);
      out.add(new ScoredItem(nodes.id(node.node), score, bias));
    }
  }

  @Override
  public void close() {
    closeQuietly(builder);
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

package io.towerstream.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.util.Bits;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A built jvector graph frozen into flat arrays keeps every link, layer and the entry point. */
class CompactGraphTest {
  private static final int DIM = 8;
  private final ForkJoinPool pool = new ForkJoinPool(1);

  @AfterEach
  void stopPool() {
    pool.shutdown();
  }

  /** Nodes with random unit vectors, seeded, linked by jvector with a hierarchy. */
  static GraphIndexBuilder builtGraph(GraphNodes nodes, int n, long seed, ForkJoinPool pool) {
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        v[j] = (float) random.nextGaussian();
      }
      nodes.append("item-" + i, VectorMath.normalized(v), 1, 0f);
    }
    NodeScoreProvider scores = new NodeScoreProvider(nodes);
    GraphIndexBuilder builder =
        new GraphIndexBuilder(scores, nodes.dimension(), 8, 40, 1.2f, 1.2f, true, true, pool, pool);
    for (int ord = 0; ord < n; ord++) {
      builder.addGraphNode(ord, scores.searchProviderFor(ord));
    }
    builder.cleanup();
    return builder;
  }

  static GraphNodes emptyNodes() {
    return new GraphNodes(DIM, 0f, 1f, 1f);
  }

  @Test
  void theCopyHasTheSameLinksOnEveryLayerAndTheSameEntry() throws Exception {
    GraphNodes nodes = emptyNodes();
    try (GraphIndexBuilder builder = builtGraph(nodes, 3000, 11, pool)) {
      ImmutableGraphIndex source = builder.getGraph();
      CompactGraph copy = CompactGraph.copyOf(source);
      assertThat(source.getMaxLevel()).as("the test graph has a hierarchy").isPositive();
      assertThat(copy.getMaxLevel()).isEqualTo(source.getMaxLevel());
      assertThat(copy.getIdUpperBound()).isEqualTo(3000);
      try (ImmutableGraphIndex.View original = source.getView()) {
        assertThat(copy.getView().entryNode()).isEqualTo(original.entryNode());
        for (int level = 0; level <= source.getMaxLevel(); level++) {
          assertThat(copy.size(level)).isEqualTo(source.size(level));
          for (NodesIterator it = source.getNodes(level); it.hasNext(); ) {
            int node = it.nextInt();
            assertThat(copy.getView().contains(level, node)).isTrue();
            assertThat(neighbours(copy.getView(), level, node))
                .as("node %d on layer %d", node, level)
                .containsExactlyElementsOf(neighbours(original, level, node));
          }
        }
        assertThat(copy.getView().contains(source.getMaxLevel() + 1, 0)).isFalse();
      }
    }
  }

  @Test
  void jvectorsSearchFindsTheSameNodesInTheCopy() throws Exception {
    GraphNodes nodes = emptyNodes();
    NodeScoreProvider scores = new NodeScoreProvider(nodes);
    try (GraphIndexBuilder builder = builtGraph(nodes, 2000, 12, pool)) {
      CompactGraph copy = CompactGraph.copyOf(builder.getGraph());
      GraphSearcher onOriginal = new GraphSearcher(builder.getGraph());
      GraphSearcher onCopy = new GraphSearcher(copy);
      for (int q = 0; q < 20; q++) {
        float[] query = nodes.query(nodes.unit(q * 97), Scoring.DOT);
        assertThat(ordinals(onCopy.search(scores.forQuery(query), 10, 40, 0f, 0f, Bits.ALL)))
            .isEqualTo(
                ordinals(onOriginal.search(scores.forQuery(query), 10, 40, 0f, 0f, Bits.ALL)));
      }
    }
  }

  private static List<Integer> neighbours(ImmutableGraphIndex.View view, int level, int node) {
    List<Integer> out = new ArrayList<>();
    for (NodesIterator it = view.getNeighborsIterator(level, node); it.hasNext(); ) {
      out.add(it.nextInt());
    }
    return out;
  }

  private static List<Integer> ordinals(SearchResult result) {
    List<Integer> out = new ArrayList<>();
    for (SearchResult.NodeScore n : result.getNodes()) {
      out.add(n.node);
    }
    return out;
  }
}

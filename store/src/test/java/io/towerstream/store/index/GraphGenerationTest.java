package io.towerstream.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.util.Bits;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.Test;

/** One graph generation, searched in place and released whole. */
class GraphGenerationTest {
  private static final int DIM = 8;

  @Test
  void searchFindsTheNearestNodesScoredExactly() {
    ForkJoinPool pool = new ForkJoinPool(1);
    try (GraphGeneration g = build(pool, 500)) {
      float[] query = g.nodes.unit(123);
      List<ScoredItem> out = new ArrayList<>();
      g.search(query, 5, 50, Bits.ALL, Scoring.DOT, out);
      assertThat(out).hasSize(5);
      assertThat(out.get(0).itemId()).isEqualTo("item-123");
      assertThat(out.get(0).score()).isEqualTo(VectorMath.dot(query, query));
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void aReplacedGenerationsGraphIsNotKeptByTheThreadsThatSearchedIt() throws Exception {
    ForkJoinPool pool = new ForkJoinPool(1);
    try {
      WeakReference<Object> graph = searchedOnThisThreadThenClosed(pool);
      for (int i = 0; i < 100 && graph.get() != null; i++) {
        System.gc();
        Thread.sleep(10);
      }
      assertThat(graph.get()).as("the graph of a closed generation is garbage").isNull();
    } finally {
      pool.shutdown();
    }
  }

  private static WeakReference<Object> searchedOnThisThreadThenClosed(ForkJoinPool pool) {
    GraphGeneration g = build(pool, 300);
    g.search(g.nodes.unit(7), 3, 20, Bits.ALL, Scoring.DOT, new ArrayList<>());
    WeakReference<Object> graph = new WeakReference<>(g.graph);
    g.close();
    return graph;
  }

  private static GraphGeneration build(ForkJoinPool pool, int n) {
    Random random = new Random(5);
    List<ExactItemIndex.Entry> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        v[j] = (float) random.nextGaussian();
      }
      items.add(new ExactItemIndex.Entry("item-" + i, VectorMath.normalized(v), 1, 0f));
    }
    return GraphGeneration.build(
        items, DIM, GraphIndexOptions.defaults().withBuildThreads(1), pool, () -> false);
  }
}

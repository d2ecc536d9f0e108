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
  void itemsMergedAfterTheBuildAreFoundBesideTheFrozenOnes() {
    ForkJoinPool pool = new ForkJoinPool(1);
    try (GraphGeneration g = build(pool, 500)) {
      List<ExactItemIndex.Entry> merged = items(new Random(9), "new-", 200);
      for (ExactItemIndex.Entry e : merged) {
        g.insert(e);
      }
      assertThat(g.grownNodes()).isEqualTo(200);
      int foundFirst = 0;
      for (ExactItemIndex.Entry e : merged) {
        List<ScoredItem> out = new ArrayList<>();
        g.search(e.unit(), 5, 50, Bits.ALL, Scoring.DOT, out);
        out.sort(ScoredItem.BEST_FIRST);
        foundFirst += out.get(0).itemId().equals(e.id()) ? 1 : 0;
      }
      assertThat(foundFirst).as("a merged item is its own nearest").isGreaterThanOrEqualTo(198);
      // and the frozen bulk still answers beside them
      List<ScoredItem> out = new ArrayList<>();
      g.search(g.nodes.unit(42), 5, 50, Bits.ALL, Scoring.DOT, out);
      out.sort(ScoredItem.BEST_FIRST);
      assertThat(out.get(0).itemId()).isEqualTo("item-42");
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
    g.insert(items(new Random(3), "new-", 1).get(0)); // so the growing graph is searched too
    g.search(g.nodes.unit(7), 3, 20, Bits.ALL, Scoring.DOT, new ArrayList<>());
    WeakReference<Object> graph = new WeakReference<>(g.graph);
    g.close();
    return graph;
  }

  private static GraphGeneration build(ForkJoinPool pool, int n) {
    return GraphGeneration.build(
        items(new Random(5), "item-", n),
        DIM,
        GraphIndexOptions.defaults().withBuildThreads(1),
        pool,
        () -> false);
  }

  private static List<ExactItemIndex.Entry> items(Random random, String prefix, int n) {
    List<ExactItemIndex.Entry> items = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        v[j] = (float) random.nextGaussian();
      }
      items.add(new ExactItemIndex.Entry(prefix + i, VectorMath.normalized(v), 1, 0f));
    }
    return items;
  }
}

package io.towerstream.store.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The search of the merged nodes: only accepted nodes at or above the floor, and nearly all. */
class FloorSearchTest {
  private static final int N = 3000;
  private final ForkJoinPool pool = new ForkJoinPool(1);
  private final GraphNodes nodes = CompactGraphTest.emptyNodes();
  private final NodeScoreProvider scores = new NodeScoreProvider(nodes);

  @AfterEach
  void stopPool() {
    pool.shutdown();
  }

  @Test
  void findsNearlyEveryAcceptedNodeAboveTheFloorAndNothingElse() throws Exception {
    try (GraphIndexBuilder builder = CompactGraphTest.builtGraph(nodes, N, 21, pool)) {
      FloorSearch search = new FloorSearch();
      Bits odd = ord -> ord % 2 == 1;
      int found = 0;
      int expected = 0;
      for (int q = 0; q < 50; q++) {
        ScoreFunction score = scoreOf(q * 59);
        float[] all = similarities(score);
        float[] oddScores = new float[N / 2];
        for (int i = 0; i < oddScores.length; i++) {
          oddScores[i] = all[2 * i + 1];
        }
        Arrays.sort(oddScores);
        float floor = oddScores[oddScores.length - 8]; // the 8 best odd nodes are at or above it
        int[] hits = search.search(builder.getGraph().getView(), score, odd, floor, 10, 30);
        for (int ord : hits) {
          assertThat(ord % 2).as("only accepted nodes").isEqualTo(1);
          assertThat(all[ord]).as("only nodes at or above the floor").isGreaterThanOrEqualTo(floor);
        }
        found += hits.length;
        expected += 8;
      }
      assertThat(found / (double) expected)
          .as("recall of the nodes above the floor")
          .isGreaterThan(0.95);
    }
  }

  @Test
  void findsNothingWhenTheFloorIsAboveEveryNode() throws Exception {
    try (GraphIndexBuilder builder = CompactGraphTest.builtGraph(nodes, N, 22, pool)) {
      ScoreFunction score = scoreOf(5);
      float max = 0f;
      for (float s : similarities(score)) {
        max = Math.max(max, s);
      }
      assertThat(
              new FloorSearch()
                  .search(builder.getGraph().getView(), score, Bits.ALL, Math.nextUp(max), 10, 30))
          .isEmpty();
    }
  }

  @Test
  void withoutAFloorItIsAPlainSearchForTheTopK() throws Exception {
    try (GraphIndexBuilder builder = CompactGraphTest.builtGraph(nodes, N, 23, pool)) {
      ScoreFunction score = scoreOf(17);
      int[] hits =
          new FloorSearch()
              .search(
                  builder.getGraph().getView(), score, Bits.ALL, Float.NEGATIVE_INFINITY, 10, 40);
      assertThat(hits).hasSize(10).contains(17);
    }
  }

  private ScoreFunction scoreOf(int ord) {
    return scores.forQuery(nodes.query(nodes.unit(ord), Scoring.DOT)).scoreFunction();
  }

  private static float[] similarities(ScoreFunction score) {
    float[] all = new float[N];
    for (int i = 0; i < N; i++) {
      all[i] = score.similarityTo(i);
    }
    return all;
  }
}

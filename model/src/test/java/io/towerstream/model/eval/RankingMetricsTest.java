package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RankingMetricsTest {

  @Test
  void recallAndNdcgMatchHandComputedValues() {
    // Catalogue x(0) y(1) z(2) w(3) v(4); user a trained on x; relevant z and v.
    List<Interaction> s =
        List.of(
            new Interaction("a", "x", 1f, 1),
            new Interaction("b", "y", 1f, 2),
            new Interaction("b", "z", 1f, 3),
            new Interaction("b", "w", 1f, 4),
            new Interaction("b", "v", 1f, 5),
            new Interaction("a", "z", 1f, 6),
            new Interaction("a", "v", 1f, 7),
            new Interaction("b", "y", 1f, 8));
    TemporalSplit split = new TemporalSplit(s, 5.0 / 8);
    // x is the best but excluded (a's training item); ranking: z, w, y, v.
    Scorer scorer = u -> new float[] {9f, 2f, 5f, 3f, 1f};
    Map<String, Double> m = RankingMetrics.evaluate(split, scorer, 1, 2, 4);
    assertThat(m.get("users")).isEqualTo(1.0);
    assertThat(m.get("recall@1")).isCloseTo(0.5, within(1e-12));
    assertThat(m.get("recall@2")).isCloseTo(0.5, within(1e-12));
    assertThat(m.get("recall@4")).isCloseTo(1.0, within(1e-12));
    double idcg = 1 + 1 / log2(3);
    assertThat(m.get("ndcg@2")).isCloseTo(1 / idcg, within(1e-12));
    assertThat(m.get("ndcg@4")).isCloseTo((1 + 1 / log2(5)) / idcg, within(1e-12));
  }

  @Test
  void rankedIdListsGiveTheSameMetricsAsScores() {
    java.util.Random random = new java.util.Random(11);
    List<Interaction> stream = new java.util.ArrayList<>();
    for (int t = 0; t < 2_000; t++) {
      stream.add(new Interaction("u" + random.nextInt(40), "i" + random.nextInt(60), 1f, t));
    }
    TemporalSplit split = new TemporalSplit(stream, 0.7);
    // Coarse scores, so ties (broken by catalogue index) matter.
    Map<String, float[]> scores = new java.util.HashMap<>();
    Scorer scorer =
        u ->
            scores
                .computeIfAbsent(
                    u,
                    x -> {
                      float[] s = new float[split.items.size()];
                      for (int i = 0; i < s.length; i++) {
                        s[i] = random.nextInt(5);
                      }
                      return s;
                    })
                .clone();
    // A naive full sort, independent of topK's heap: what a retrieval service would return.
    java.util.function.Function<String, List<String>> ranker =
        u -> {
          float[] s = scorer.scores(u);
          return java.util.stream.IntStream.range(0, s.length)
              .boxed()
              .filter(i -> !split.trainItems.get(u).contains(i))
              .sorted((a, b) -> s[a] != s[b] ? Float.compare(s[b], s[a]) : Integer.compare(a, b))
              .limit(20)
              .map(split.items::get)
              .toList();
        };
    Map<String, Double> byScores = RankingMetrics.evaluate(split, scorer, 5, 10, 20);
    assertThat(byScores.get("users")).isGreaterThan(5);
    assertThat(byScores.get("recall@20")).isPositive();
    assertThat(RankingMetrics.evaluateRanked(split, ranker, 5, 10, 20)).isEqualTo(byScores);
  }

  @Test
  void anEmptyRankingScoresZero() {
    List<Interaction> s =
        List.of(new Interaction("a", "x", 1f, 1), new Interaction("a", "y", 1f, 2));
    TemporalSplit split = new TemporalSplit(s, 0.5);
    Map<String, Double> m = RankingMetrics.evaluateRanked(split, u -> List.of(), 10);
    assertThat(m.get("users")).isEqualTo(1.0);
    assertThat(m.get("recall@10")).isZero();
    assertThat(m.get("ndcg@10")).isZero();
  }

  @Test
  void topKBreaksTiesByIndexAndSkipsExcluded() {
    float[] s = {1f, 3f, 3f, 2f, 3f};
    assertThat(RankingMetrics.topK(s, Set.of(2), 3)).containsExactly(1, 4, 3);
    assertThat(RankingMetrics.topK(s, null, 10)).containsExactly(1, 2, 4, 3, 0);
  }

  @Test
  void prequentialMetricsFromRanks() {
    PrequentialMetrics m = new PrequentialMetrics(2);
    m.record(0); // hit everywhere, mrr 1
    m.record(14); // hr@10 miss, recall@20 hit, mrr 1/15
    m.record(-1); // miss
    assertThat(m.whole().get("hr@10")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(m.whole().get("recall@20")).isCloseTo(2.0 / 3, within(1e-12));
    assertThat(m.whole().get("ndcg@20")).isCloseTo((1 + 1 / log2(16)) / 3, within(1e-12));
    assertThat(m.whole().get("mrr")).isCloseTo((1 + 1.0 / 15) / 3, within(1e-12));
    // The window holds the last two events only.
    assertThat(m.windowed().get("recall@20")).isCloseTo(0.5, within(1e-12));
    assertThat(m.windowed().get("hr@10")).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void rankOfExcludesHistoryAndBreaksTiesByIndex() {
    float[] s = {5f, 4f, 4f, 9f};
    assertThat(PrequentialMetrics.rankOf(s, 2, null)).isEqualTo(3);
    assertThat(PrequentialMetrics.rankOf(s, 2, Set.of(3))).isEqualTo(2);
    assertThat(PrequentialMetrics.rankOf(s, 1, Set.of(3))).isEqualTo(1);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}

package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  @Test
  void scoresBeforeTrainingWithPopularitySoFar() {
    OnlineModel model =
        TwoTowerModels.create(
            ModelConfig.builder()
                .batchSize(2)
                .dim(4)
                .reservoirNegatives(0)
                .reservoirCapacity(0)
                .maxRowsPerTable(100)
                .build());
    PrequentialEvaluator pe = new PrequentialEvaluator(100, 100);
    // Batch 1: nothing known yet → all misses. Batch 2: x seen twice, y once.
    pe.scoreThenTrain(model, List.of(new Interaction("a", "x"), new Interaction("b", "x")));
    pe.scoreThenTrain(model, List.of(new Interaction("c", "y"), new Interaction("d", "x")));
    pe.scoreThenTrain(model, List.of(new Interaction("a", "y"), new Interaction("e", "y")));
    PrequentialMetrics pop = pe.metrics().get("popularity");
    assertThat(pop.events()).isEqualTo(6);
    // Batch 2: c→y: y unknown before batch 2 (miss); d→x rank 0. Batch 3 (x:3, y:1): a→y with x
    // excluded (a's history) rank 0; e→y rank 1.
    assertThat(pop.whole().get("mrr")).isCloseTo((1 + 1 + 0.5) / 6, within(1e-12));
    assertThat(pe.metrics().get(PrequentialEvaluator.TOWERSTREAM).whole().get("hr@10"))
        .isLessThanOrEqualTo(3.0 / 6);
  }

  @Test
  void modelBeatsPopularityOnPlantedClustersWithoutPopularitySkew() {
    ModelConfig config = ModelConfig.builder().batchSize(128).dim(16).seed(3).build();
    OnlineModel model = TwoTowerModels.create(config);
    PrequentialEvaluator pe = new PrequentialEvaluator(3_000, 3_000);
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(200)
        .items(200)
        .clusters(10)
        .events(12_000)
        .zipfExponent(0)
        .seed(11L)
        .build()
        .forEach(stream::add);
    for (int i = 0; i < stream.size(); i += 128) {
      pe.scoreThenTrain(model, stream.subList(i, Math.min(stream.size(), i + 128)));
    }
    double modelHr = pe.metrics().get(PrequentialEvaluator.TOWERSTREAM).windowed().get("hr@10");
    double popHr = pe.metrics().get("popularity").windowed().get("hr@10");
    assertThat(modelHr).isGreaterThan(3 * popHr);
  }

  /**
   * The evaluator's item matrix is refreshed from the model's change feed only; a reference that
   * fetches every item's vector and bias before every batch must record the same ranks, with
   * evictions, new items and a prior that moves every clicked item's bias.
   */
  @Test
  void theIncrementalItemMatrixRanksAsAFullRefreshDoes() {
    ModelConfig config =
        ModelConfig.builder()
            .batchSize(32)
            .dim(8)
            .reservoirNegatives(8)
            .reservoirCapacity(50)
            .maxRowsPerTable(120)
            .seed(5)
            .build();
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(150)
        .items(160)
        .clusters(6)
        .events(32 * 60)
        .seed(2L)
        .build()
        .forEach(stream::add);
    OnlineModel model = TwoTowerModels.create(config);
    PrequentialEvaluator incremental = new PrequentialEvaluator(500, 200);
    List<Long> reference = new ArrayList<>();
    List<String> known = new ArrayList<>();
    java.util.Map<String, java.util.Set<Integer>> seen = new java.util.HashMap<>();
    java.util.Map<String, Integer> index = new java.util.HashMap<>();
    for (int i = 0; i < stream.size(); i += 32) {
      List<Interaction> batch = stream.subList(i, i + 32);
      incremental.score(model, batch);
      // reference: every vector and bias fetched now, ranked as the evaluator ranks "as served"
      float[] items = model.itemVectors(known);
      java.util.Map<String, java.util.Set<Integer>> seenInBatch = new java.util.HashMap<>();
      for (Interaction e : batch) {
        Integer target = index.get(e.itemId());
        float[] u = model.userVector(e.userId());
        if (target == null || u == null) {
          reference.add(-1L);
        } else {
          float[] served = new float[known.size()];
          for (int j = 0; j < known.size(); j++) {
            float dot = 0;
            for (int k = 0; k < 8; k++) {
              dot += u[k] * items[j * 8 + k];
            }
            served[j] = dot + model.itemBias(known.get(j));
          }
          java.util.Set<Integer> excluded =
              seenInBatch.containsKey(e.userId())
                  ? seenInBatch.get(e.userId())
                  : seen.get(e.userId());
          reference.add(PrequentialMetrics.rankOf(served, target, excluded));
          seenInBatch
              .computeIfAbsent(
                  e.userId(),
                  x ->
                      seen.containsKey(x)
                          ? new java.util.HashSet<>(seen.get(x))
                          : new java.util.HashSet<>())
              .add(target);
        }
      }
      model.train(batch);
      incremental.observe(batch);
      for (Interaction e : batch) {
        int ix =
            index.computeIfAbsent(
                e.itemId(),
                id -> {
                  known.add(id);
                  return known.size() - 1;
                });
        seen.computeIfAbsent(e.userId(), x -> new java.util.HashSet<>()).add(ix);
      }
    }
    PrequentialMetrics expected = new PrequentialMetrics(500);
    reference.forEach(expected::record);
    PrequentialMetrics actual = incremental.metrics().get(PrequentialEvaluator.TOWERSTREAM);
    assertThat(
            ((io.towerstream.model.twotower.TwoTowerModel) model)
                .evictedRows(io.towerstream.model.EntityKind.ITEM))
        .as("evictions were exercised")
        .isPositive();
    // float sums of the gemm and of the loop above may differ in the last bit; ranks are counts, so
    // they agree unless two scores sit within a rounding of each other
    assertThat(actual.whole().get("mrr")).isCloseTo(expected.whole().get("mrr"), within(1e-3));
    assertThat(actual.whole().get("hr@10")).isCloseTo(expected.whole().get("hr@10"), within(1e-3));
    assertThat(actual.events()).isEqualTo(expected.events());
  }

  @Test
  void aCostBudgetShrinksTheCohortToASubsetOfItself() {
    OnlineModel model =
        TwoTowerModels.create(ModelConfig.builder().batchSize(16).dim(8).seed(1).build());
    PrequentialEvaluator pe = new PrequentialEvaluator(100, 100, 1.0).withCostBudget(0.1);
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(300)
        .items(100)
        .clusters(4)
        .events(16 * 200)
        .seed(3L)
        .build()
        .forEach(stream::add);
    double last = pe.sampleRate();
    for (int i = 0; i < stream.size(); i += 16) {
      List<Interaction> batch = stream.subList(i, i + 16);
      pe.score(model, batch);
      model.train(batch);
      pe.recordTraining(1_000); // training "costs" 1 µs a batch: scoring is far over budget
      pe.observe(batch);
      assertThat(pe.sampleRate()).isLessThanOrEqualTo(last);
      last = pe.sampleRate();
    }
    assertThat(pe.sampleRate()).isLessThan(0.5);
    PrequentialEvaluator unlimited = new PrequentialEvaluator(100, 100, 1.0);
    unlimited.score(model, stream.subList(0, 16));
    unlimited.recordTraining(1);
    assertThat(unlimited.sampleRate()).as("no budget, no shrinking").isEqualTo(1.0);
  }

  /**
   * A restore continues exactly: two identical models train on the same stream, one scored by a
   * single evaluator, the other by evaluators restored from the previous one's snapshot every few
   * batches (with evictions, so some items have no vector when the restored evaluator fetches them
   * all). Every metric of every scorer is equal, to the bit.
   */
  @Test
  void aRestoredEvaluatorContinuesExactlyAsTheUninterruptedOne() {
    ModelConfig config =
        ModelConfig.builder()
            .batchSize(32)
            .dim(8)
            .reservoirNegatives(8)
            .reservoirCapacity(50)
            .maxRowsPerTable(120)
            .seed(5)
            .build();
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(150)
        .items(160)
        .clusters(6)
        .events(32 * 60)
        .seed(4L)
        .build()
        .forEach(stream::add);
    OnlineModel straightModel = TwoTowerModels.create(config);
    OnlineModel restoredModel = TwoTowerModels.create(config);
    PrequentialEvaluator straight = new PrequentialEvaluator(300, 100, 0.6);
    PrequentialEvaluator restored = new PrequentialEvaluator(300, 100, 0.6);
    int restores = 0;
    for (int b = 0; b * 32 < stream.size(); b++) {
      List<Interaction> batch = stream.subList(b * 32, b * 32 + 32);
      straight.scoreThenTrain(straightModel, batch);
      if (b % 7 == 3) {
        restored = new PrequentialEvaluator(300, 100, 0.6).restore(restored.snapshot());
        restores++;
      }
      restored.scoreThenTrain(restoredModel, batch);
    }
    assertThat(restores).isGreaterThan(5);
    assertThat(straight.metrics().get(PrequentialEvaluator.POPULARITY).windowEvents())
        .isEqualTo(300);
    for (String scorer : straight.metrics().keySet()) {
      PrequentialMetrics a = straight.metrics().get(scorer);
      PrequentialMetrics b = restored.metrics().get(scorer);
      assertThat(b.events()).as(scorer).isEqualTo(a.events());
      assertThat(b.whole()).as(scorer).isEqualTo(a.whole());
      assertThat(b.windowed()).as(scorer).isEqualTo(a.windowed());
    }
    assertThat(straight.metrics().get(PrequentialEvaluator.TOWERSTREAM).whole().get("hr@10"))
        .isPositive();
  }

  /**
   * Another configuration may restore a snapshot: a smaller recent-popularity window keeps the
   * newest events, a smaller cohort drops the others' seen items, and a smaller metrics window its
   * oldest events; what is scored next then ranks as an evaluator of that configuration ranks after
   * the same stream (popularity, which the model does not affect), with the windowed sums
   * recomputed.
   */
  @Test
  void aSnapshotRestoresIntoAnotherConfiguration() {
    OnlineModel model =
        TwoTowerModels.create(ModelConfig.builder().batchSize(16).dim(4).seed(2).build());
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(80)
        .items(60)
        .clusters(4)
        .events(16 * 70)
        .seed(6L)
        .build()
        .forEach(stream::add);
    PrequentialEvaluator wide = new PrequentialEvaluator(400, 300, 1.0);
    PrequentialEvaluator narrow = new PrequentialEvaluator(100, 50, 0.5);
    for (int b = 0; b < 30; b++) {
      List<Interaction> batch = stream.subList(b * 16, b * 16 + 16);
      wide.scoreThenTrain(model, batch);
      narrow.score(model, batch);
      narrow.observe(batch);
    }
    PrequentialEvaluator moved = new PrequentialEvaluator(100, 50, 0.5).restore(wide.snapshot());
    assertThat(moved.metrics().get(PrequentialEvaluator.POPULARITY).windowEvents()).isEqualTo(100);
    assertThat(moved.metrics().get(PrequentialEvaluator.POPULARITY).events()).isEqualTo(30 * 16);
    for (int b = 30; b < 70; b++) {
      List<Interaction> batch = stream.subList(b * 16, b * 16 + 16);
      moved.score(model, batch);
      narrow.score(model, batch);
      model.train(batch);
      moved.observe(batch);
      narrow.observe(batch);
    }
    // the last 100 scored events came after the restore: both windows hold the same ranks (their
    // sums' histories differ, so the fractional metrics may differ in the last bits; the hit counts
    // cannot)
    assertThat(moved.metrics().get(PrequentialEvaluator.POPULARITY).events())
        .isGreaterThan(30 * 16 + 100);
    for (String scorer :
        List.of(PrequentialEvaluator.POPULARITY, PrequentialEvaluator.RECENT_POPULARITY)) {
      java.util.Map<String, Double> a = narrow.metrics().get(scorer).windowed();
      java.util.Map<String, Double> b = moved.metrics().get(scorer).windowed();
      assertThat(b.get("hr@10")).as(scorer).isEqualTo(a.get("hr@10"));
      assertThat(b.get("recall@20")).as(scorer).isEqualTo(a.get("recall@20"));
      assertThat(b.get("mrr")).as(scorer).isCloseTo(a.get("mrr"), within(1e-12));
      assertThat(b.get("ndcg@20")).as(scorer).isCloseTo(a.get("ndcg@20"), within(1e-12));
    }
  }

  @Test
  void aDamagedSnapshotIsRefusedWithTheReason() {
    PrequentialEvaluator pe = new PrequentialEvaluator(10, 10);
    pe.observe(List.of(new Interaction("u", "i")));
    byte[] state = pe.snapshot();
    state[3] = 9; // the version
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new PrequentialEvaluator(10, 10).restore(state))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("version 9");
  }

  /**
   * An evaluator told to score from the window's first event time records exactly the ranks that
   * one scoring everything records for the window's events, for every scorer: the events before it
   * still count for popularity, the known items and each user's exclusions (in the batch that
   * straddles the start too, which is why the window starts mid-batch here).
   */
  @Test
  void scoringFromATimeRanksTheWindowAsScoringEverythingDoes() {
    OnlineModel model =
        TwoTowerModels.create(ModelConfig.builder().batchSize(32).dim(8).seed(7).build());
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(120)
        .items(100)
        .clusters(5)
        .events(32 * 40)
        .seed(4L)
        .build()
        .forEach(stream::add);
    int windowStart = 32 * 30 + 13;
    int windowEvents = stream.size() - windowStart;
    PrequentialEvaluator everything = new PrequentialEvaluator(windowEvents, 100);
    PrequentialEvaluator window =
        new PrequentialEvaluator(stream.size(), 100)
            .scoringFrom(stream.get(windowStart).eventTimeMillis());
    for (int i = 0; i < stream.size(); i += 32) {
      List<Interaction> batch = stream.subList(i, i + 32);
      everything.score(model, batch);
      window.score(model, batch);
      model.train(batch);
      everything.observe(batch);
      window.observe(batch);
    }
    for (String scorer : everything.metrics().keySet()) {
      PrequentialMetrics m = window.metrics().get(scorer);
      assertThat(m.events()).as(scorer).isEqualTo(windowEvents);
      m.whole()
          .forEach(
              (metric, v) ->
                  assertThat(v)
                      .as(scorer + " " + metric)
                      .isCloseTo(
                          everything.metrics().get(scorer).windowed().get(metric), within(1e-12)));
    }
    assertThat(window.metrics().get(PrequentialEvaluator.POPULARITY).whole().get("hr@10"))
        .as("popularity counted the clicks before the window")
        .isPositive();
  }

  @Test
  void eventsBeforeTheScoringTimeAreObservedButNotScored() {
    OnlineModel model =
        TwoTowerModels.create(
            ModelConfig.builder()
                .batchSize(3)
                .dim(4)
                .reservoirNegatives(0)
                .reservoirCapacity(0)
                .maxRowsPerTable(100)
                .build());
    PrequentialEvaluator pe = new PrequentialEvaluator(100, 100).scoringFrom(2_000);
    PrequentialMetrics pop = pe.metrics().get(PrequentialEvaluator.POPULARITY);
    pe.scoreThenTrain(model, List.of(click("b", "y", 1_000), click("c", "y", 1_000)));
    pe.scoreThenTrain(model, List.of(click("d", "x", 1_000)));
    assertThat(pop.events()).isZero();
    // a -> y is too early to score, yet excludes y for a's next click in the same batch: a -> x
    // ranks first; e -> x ranks behind y, whose clicks were all unscored
    pe.scoreThenTrain(
        model, List.of(click("a", "y", 1_500), click("a", "x", 2_000), click("e", "x", 2_000)));
    assertThat(pop.events()).isEqualTo(2);
    assertThat(pop.whole().get("mrr")).isCloseTo((1 + 0.5) / 2, within(1e-12));
  }

  private static Interaction click(String user, String item, long timeMillis) {
    return new Interaction(user, item, 1f, timeMillis);
  }
}

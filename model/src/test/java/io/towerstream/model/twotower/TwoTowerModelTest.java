package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TwoTowerModelTest {
  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(8)
          .batchSize(4)
          .reservoirNegatives(4)
          .reservoirCapacity(100)
          .maxRowsPerTable(1000)
          .seed(1)
          .build();

  @Test
  void twoUsersWhoClickedTheSameItemAreNotPushedAwayFromIt() {
    // Adagrad, whose step follows the gradient. Adam's first step moves every coordinate by about
    // the learning rate whatever its gradient, as far as the 0.01-scale rows themselves, so one
    // step need not raise one particular score even when it lowers the loss; what this test checks
    // is the masking.
    OnlineModel model =
        TwoTowerModels.create(
            CONFIG.toBuilder().tableOptimizer(ModelConfig.TableOptimizer.ADAGRAD).build());
    // Alone in a batch, the duplicate is masked: each row sees only its positive, so the loss is
    // exactly 0 (unmasked, each row would see two equal logits: log 2).
    StepResult alone = model.train(List.of(new Interaction("a", "x"), new Interaction("b", "x")));
    assertThat(alone.loss()).isZero();

    List<Interaction> mixed =
        List.of(
            new Interaction("a", "x"),
            new Interaction("b", "x"),
            new Interaction("c", "y"),
            new Interaction("d", "z"));
    double aBefore = score(model, "a", "x");
    double bBefore = score(model, "b", "x");
    model.train(mixed);
    assertThat(score(model, "a", "x")).isGreaterThan(aBefore);
    assertThat(score(model, "b", "x")).isGreaterThan(bBefore);
  }

  @Test
  void aUsersRecentItemsAreThePooledHistoryMostRecentFirst() {
    OnlineModel model = TwoTowerModels.create(CONFIG.toBuilder().historyLength(3).build());
    model.train(
        List.of(
            new Interaction("u", "a"),
            new Interaction("v", "a"),
            new Interaction("u", "b"),
            new Interaction("w", "c")));
    model.train(
        List.of(
            new Interaction("u", "c"),
            new Interaction("u", "d"),
            new Interaction("v", "b"),
            new Interaction("w", "d")));
    assertThat(model.recentItems("u", 10))
        .as("the ring holds 3: a fell out")
        .containsExactly("d", "c", "b");
    assertThat(model.recentItems("u", 2)).containsExactly("d", "c");
    assertThat(model.recentItems("v", 10)).containsExactly("b", "a");
    assertThat(model.recentItems("nobody", 10)).isEmpty();
    OnlineModel idOnly = TwoTowerModels.create(CONFIG.toBuilder().historyLength(0).build());
    idOnly.train(List.of(new Interaction("u", "a"), new Interaction("v", "b")));
    assertThat(idOnly.recentItems("u", 10)).isEmpty();
  }

  @Test
  void duplicateIdsInABatchTrainOneRowEach() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    List<Interaction> batch =
        List.of(
            new Interaction("u", "i"),
            new Interaction("u", "j"),
            new Interaction("u", "i"),
            new Interaction("v", "j"));
    StepResult result = model.train(batch);
    assertThat(result.skipped()).isFalse();
    assertThat(Double.isFinite(result.loss())).isTrue();
    ModelStats stats = model.stats();
    assertThat(stats.users()).isEqualTo(2);
    assertThat(stats.items()).isEqualTo(2);
    assertThat(stats.eventsTrained()).isEqualTo(4);
    List<String> drained = new ArrayList<>();
    model.drainChanged((kind, id, v, bias) -> drained.add(kind + ":" + id));
    assertThat(drained).containsExactly("USER:u", "USER:v", "ITEM:i", "ITEM:j");
  }

  @Test
  void drainEmitsEachChangedRowOnceAsAUnitVectorThenNothing() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    for (List<Interaction> batch : TestStreams.batches(30, 20, 4, 20, 6)) {
      model.train(batch);
    }
    Map<String, float[]> drained = new HashMap<>();
    model.drainChanged((kind, id, v, bias) -> assertThat(drained.put(kind + ":" + id, v)).isNull());
    ModelStats stats = model.stats();
    assertThat(drained).hasSize((int) (stats.users() + stats.items()));
    drained.forEach(
        (key, v) -> {
          double norm = 0;
          for (float x : v) {
            norm += x * x;
          }
          assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
          String id = key.substring(key.indexOf(':') + 1);
          float[] current = key.startsWith("USER") ? model.userVector(id) : model.itemVector(id);
          assertThat(v).containsExactly(current);
        });
    model.drainChanged(
        (kind, id, v, bias) -> {
          throw new AssertionError("nothing changed since the last drain, got " + id);
        });

    List<String> afterOneStep = new ArrayList<>();
    model.train(List.of(new Interaction("u0", "i0"), new Interaction("u1", "i1")));
    model.drainChanged((kind, id, v, bias) -> afterOneStep.add(kind + ":" + id));
    assertThat(afterOneStep)
        .contains("USER:u0", "USER:u1", "ITEM:i0", "ITEM:i1")
        .hasSizeLessThan(drained.size());
  }

  @Test
  void withProjectionsEveryRowChangesEveryStep() {
    OnlineModel model = TwoTowerModels.create(CONFIG.toBuilder().towerProjection(true).build());
    for (List<Interaction> batch : TestStreams.batches(30, 20, 4, 20, 6)) {
      model.train(batch);
    }
    model.drainChanged((kind, id, v, bias) -> {});
    model.train(List.of(new Interaction("u0", "i0"), new Interaction("u1", "i1")));
    int[] drained = new int[1];
    model.drainChanged((kind, id, v, bias) -> drained[0]++);
    assertThat(drained[0]).isEqualTo(model.stats().users() + model.stats().items());
  }

  @Test
  void tablesStayWithinTheirBoundAndEvictedRowsAreGone() {
    ModelConfig small = CONFIG.toBuilder().maxRowsPerTable(10).reservoirCapacity(8).build();
    TwoTowerModel model = new TwoTowerModel(small);
    for (List<Interaction> batch : TestStreams.batches(50, 40, 4, 100, 8)) {
      assertThat(model.train(batch).skipped()).isFalse();
    }
    ModelStats stats = model.stats();
    assertThat(stats.users()).isEqualTo(10);
    assertThat(stats.items()).isEqualTo(10);
    assertThat(model.evictedRows(EntityKind.USER)).isPositive();
    assertThat(model.evictedRows(EntityKind.ITEM)).isPositive();
    List<String> drained = new ArrayList<>();
    model.drainChanged((kind, id, v, bias) -> drained.add(id));
    assertThat(drained)
        .hasSizeLessThanOrEqualTo(20)
        .allSatisfy(
            id ->
                assertThat(id.startsWith("u") ? model.userVector(id) : model.itemVector(id))
                    .isNotNull());
  }

  @Test
  void statsCountEventsBatchesAndEventTime() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    assertThat(model.stats().lossEma()).isNaN();
    model.train(
        List.of(new Interaction("a", "x", 1f, 1_000L), new Interaction("b", "y", 2f, 3_000L)));
    model.train(
        List.of(new Interaction("c", "x", 1f, 2_000L), new Interaction("a", "z", 1f, 2_500L)));
    assertThat(model.train(List.of()).batchSize()).as("an empty batch is a no-op").isZero();
    ModelStats stats = model.stats();
    assertThat(stats.eventsTrained()).isEqualTo(4);
    assertThat(stats.batches()).isEqualTo(2);
    assertThat(stats.skippedBatches()).isZero();
    assertThat(stats.users()).isEqualTo(3);
    assertThat(stats.items()).isEqualTo(3);
    assertThat(stats.lastEventTimeMillis()).isEqualTo(3_000L);
    assertThat(Double.isFinite(stats.lossEma())).isTrue();
    assertThat(model.userVector("nobody")).isNull();
  }

  private static double score(OnlineModel model, String user, String item) {
    float[] u = model.userVector(user);
    float[] v = model.itemVector(item);
    double dot = 0;
    for (int k = 0; k < u.length; k++) {
      dot += u[k] * v[k];
    }
    return dot;
  }
}

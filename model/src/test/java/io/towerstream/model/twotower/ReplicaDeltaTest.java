package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.InvalidReplicaDeltaException;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Replicas of a data-parallel model exchanging deltas of item rows and dense weights. */
class ReplicaDeltaTest {
  /** The served bias is the learned one plus the popularity prior: replicas share both. */
  private static ModelConfig config(boolean projection) {
    return ModelConfig.builder()
        .dim(16)
        .batchSize(32)
        .reservoirNegatives(8)
        .reservoirCapacity(40)
        .towerProjection(projection)
        .seed(5)
        .build();
  }

  private static OnlineModel replica(ModelConfig config) {
    OnlineModel m = TwoTowerModels.create(config);
    m.trackReplicaDelta();
    return m;
  }

  @ParameterizedTest(name = "towerProjection={0}")
  @ValueSource(booleans = {false, true})
  void replicasThatExchangeDeltasAgreeOnEveryItemAndOnTheDenseWeights(boolean projection) {
    ModelConfig config = config(projection);
    OnlineModel a = replica(config);
    OnlineModel b = replica(config);
    List<List<Interaction>> first = TestStreams.batches(60, 120, 32, 20, 1);
    List<List<Interaction>> second = TestStreams.batches(60, 120, 32, 20, 2);
    for (int round = 0; round < 4; round++) {
      for (int k = 0; k < 5; k++) {
        a.train(first.get(round * 5 + k));
        b.train(second.get(round * 5 + k));
      }
      ReplicaDelta fromA = a.takeReplicaDelta();
      ReplicaDelta fromB = b.takeReplicaDelta();
      assertThat(fromA.items()).isPositive();
      a.applyReplicaDelta(fromB);
      b.applyReplicaDelta(fromA);
      assertSameItems(
          a, b, items(first.subList(0, round * 5 + 5), second.subList(0, round * 5 + 5)));
      assertThat(a.takeReplicaDelta().isEmpty()).as("a remote change is never sent back").isTrue();
      assertThat(b.takeReplicaDelta().isEmpty()).isTrue();
      if (projection) {
        assertThat(fromA.dense()).isNotNull();
      }
    }
  }

  @Test
  void aFreshReplicaThatAppliesADeltaHoldsTheTrainedRows() {
    ModelConfig config = config(true);
    OnlineModel trained = replica(config);
    List<List<Interaction>> batches = TestStreams.batches(60, 120, 32, 10, 3);
    batches.forEach(trained::train);
    OnlineModel fresh = replica(config);
    fresh.applyReplicaDelta(trained.takeReplicaDelta());
    assertSameItems(trained, fresh, items(batches, List.of()));
    assertThat(fresh.stats().items())
        .as("rows created for every changed item")
        .isEqualTo(trained.stats().items());
    List<String> published = new ArrayList<>();
    fresh.drainChanged((kind, id, v, bias) -> published.add(kind + ":" + id));
    assertThat(published)
        .as("applied rows are published like trained ones")
        .isNotEmpty()
        .allMatch(s -> s.startsWith("ITEM:") || s.startsWith("USER:"));
  }

  @Test
  void eventsTrainedElsewhereAdvanceTheStreamPositionThePriorCountsIn() {
    ModelConfig config =
        config(false).toBuilder().priorHalfLifeEvents(1000).priorWeight(1f).itemBias(false).build();
    List<Interaction> batch = TestStreams.batches(20, 40, 32, 1, 6).get(0);
    OnlineModel behind = replica(config);
    OnlineModel ahead = replica(config);
    ahead.applyReplicaDelta(new ReplicaDelta(16, new String[0], new float[0], null, 1000, 0));
    behind.train(batch);
    ahead.train(batch);
    String item = batch.get(0).itemId();
    // the same clicks, counted 1000 events (one half-life) later in the stream: log-mass larger by
    // ln 2
    assertThat(ahead.itemBias(item) - behind.itemBias(item))
        .isCloseTo((float) Math.log(2), within(1e-3f));
  }

  @Test
  void publishingCanBeRestrictedToTheItemsAReplicaOwns() {
    OnlineModel model = TwoTowerModels.create(config(false));
    model.train(TestStreams.batches(20, 40, 32, 1, 4).get(0));
    Set<EntityKind> kinds = new HashSet<>();
    List<String> items = new ArrayList<>();
    model.drainChanged(
        (kind, id, v, bias) -> {
          kinds.add(kind);
          if (kind == EntityKind.ITEM) {
            items.add(id);
          }
        },
        id -> id.hashCode() % 2 == 0);
    assertThat(kinds).contains(EntityKind.USER);
    assertThat(items).isNotEmpty().allMatch(id -> id.hashCode() % 2 == 0);
    List<String> again = new ArrayList<>();
    model.drainChanged((kind, id, v, bias) -> again.add(id));
    assertThat(again).as("items not owned were forgotten with the rest").isEmpty();
  }

  /** The learned history weights are dense too: a replica that applies the delta has them. */
  @Test
  void theLearnedHistoryWeightsTravelWithTheDenseWeights() {
    TwoTowerModel a = (TwoTowerModel) replica(config(false));
    TwoTowerModel b = (TwoTowerModel) replica(config(false));
    float[] before = b.historyWeights(5);
    for (List<Interaction> batch : TestStreams.batches(60, 120, 32, 5, 6)) {
      a.train(batch);
    }
    assertThat(a.historyWeights(5)).as("a learned").isNotEqualTo(before);
    ReplicaDelta delta = a.takeReplicaDelta();
    b.applyReplicaDelta(delta);
    assertThat(b.historyWeights(5)).containsExactly(a.historyWeights(5), within(1e-6f));
    TwoTowerModel fixed =
        (TwoTowerModel) replica(config(false).toBuilder().historyRecencyLearningRate(0).build());
    assertThatThrownBy(() -> fixed.applyReplicaDelta(delta))
        .as("a replica whose weights are fixed cannot take learned ones")
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** SimSiam's predictor is a dense weight like the heads: it travels in the delta's dense part. */
  @Test
  void theSimSiamPredictorTravelsWithTheDenseWeights() {
    ModelConfig simSiam =
        config(false).toBuilder().loss(ModelConfig.Loss.SIMSIAM).itemBias(false).build();
    OnlineModel a = replica(simSiam);
    for (List<Interaction> batch : TestStreams.batches(60, 120, 32, 5, 6)) {
      a.train(batch);
    }
    ReplicaDelta delta = a.takeReplicaDelta();
    float[] dense = delta.dense();
    assertThat(dense).hasSize(LearnedScalars.SIZE + simSiam.historyLength() + 16 * 16);
    double moved = 0;
    for (int k = LearnedScalars.SIZE; k < dense.length; k++) {
      moved += Math.abs(dense[k]);
    }
    assertThat(moved).as("the predictor learned").isPositive();
    OnlineModel b = replica(simSiam);
    b.applyReplicaDelta(delta);
    assertThat(b.takeReplicaDelta().isEmpty()).isTrue();
    assertThatThrownBy(() -> replica(config(false)).applyReplicaDelta(delta))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** DINO's prototypes, teacher and centre travel the same way. */
  @Test
  void theDinoHeadTravelsWithTheDenseWeights() {
    ModelConfig dino =
        config(false).toBuilder()
            .loss(ModelConfig.Loss.DINO)
            .dinoPrototypes(10)
            .itemBias(false)
            .build();
    OnlineModel a = replica(dino);
    for (List<Interaction> batch : TestStreams.batches(60, 120, 32, 5, 6)) {
      a.train(batch);
    }
    float[] dense = a.takeReplicaDelta().dense();
    assertThat(dense).hasSize(LearnedScalars.SIZE + dino.historyLength() + 2 * 10 * 16 + 10);
    double centreMoved = 0;
    for (int k = dense.length - 10; k < dense.length; k++) {
      centreMoved += Math.abs(dense[k]);
    }
    assertThat(centreMoved).as("the centre followed the teacher's logits").isPositive();
  }

  @Test
  void aDeltaOfAnotherShapeIsRejected() {
    OnlineModel plain = replica(config(false));
    OnlineModel projected = replica(config(true));
    projected.train(TestStreams.batches(20, 40, 32, 1, 4).get(0));
    ReplicaDelta delta = projected.takeReplicaDelta();
    assertThatThrownBy(() -> plain.applyReplicaDelta(delta))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tower heads");
    assertThatThrownBy(() -> plain.applyReplicaDelta(ReplicaDelta.empty(8)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dim 8");
    assertThatThrownBy(() -> TwoTowerModels.create(config(false)).takeReplicaDelta())
        .isInstanceOf(IllegalStateException.class);
  }

  /**
   * A delta is checked whole before any of it is added: one whose last part is bad (a dense part of
   * another size, a NaN in its last item) leaves the receiver as it was, and a good one applies
   * after.
   */
  @Test
  void aRefusedDeltaLeavesTheReceiverUnchanged() {
    ModelConfig config = config(true);
    OnlineModel sender = replica(config);
    TestStreams.batches(60, 120, 32, 5, 7).forEach(sender::train);
    ReplicaDelta good = sender.takeReplicaDelta();
    OnlineModel receiver = replica(config);
    receiver.train(TestStreams.batches(60, 120, 32, 1, 8).get(0));
    float[] before = receiver.itemVectors(List.of(good.itemIds()));
    long items = receiver.stats().items();

    float[] lastNaN = good.itemValues().clone();
    lastNaN[lastNaN.length - 2] = Float.NaN; // the bias change of the last item
    List<ReplicaDelta> refused =
        List.of(
            new ReplicaDelta(
                good.dim(),
                good.itemIds(),
                good.itemValues(),
                Arrays.copyOf(good.dense(), good.dense().length + 1),
                good.events(),
                good.priorOrigin()),
            new ReplicaDelta(
                good.dim(),
                good.itemIds(),
                lastNaN,
                good.dense(),
                good.events(),
                good.priorOrigin()));
    for (ReplicaDelta bad : refused) {
      assertThatThrownBy(() -> receiver.applyReplicaDelta(bad))
          .isInstanceOf(InvalidReplicaDeltaException.class);
      assertThat(receiver.itemVectors(List.of(good.itemIds()))).containsExactly(before);
      assertThat(receiver.stats().items()).as("no row created").isEqualTo(items);
    }

    receiver.applyReplicaDelta(good);
    assertThat(receiver.itemVectors(List.of(good.itemIds()))).isNotEqualTo(before);
  }

  private static Set<String> items(List<List<Interaction>> x, List<List<Interaction>> y) {
    Set<String> ids = new HashSet<>();
    x.forEach(b -> b.forEach(i -> ids.add(i.itemId())));
    y.forEach(b -> b.forEach(i -> ids.add(i.itemId())));
    return ids;
  }

  private static void assertSameItems(OnlineModel a, OnlineModel b, Set<String> ids) {
    for (String id : ids) {
      float[] va = a.itemVector(id);
      float[] vb = b.itemVector(id);
      assertThat(va).as("item %s on both replicas", id).isNotNull();
      assertThat(vb).as("item %s on both replicas", id).isNotNull();
      for (int k = 0; k < va.length; k++) {
        assertThat(vb[k]).as("item %s coordinate %d", id, k).isCloseTo(va[k], within(1e-5f));
      }
      assertThat(b.itemBias(id)).as("bias of %s", id).isCloseTo(a.itemBias(id), within(1e-4f));
    }
  }
}

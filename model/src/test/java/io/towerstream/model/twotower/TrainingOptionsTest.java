package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.ModelStats;
import io.towerstream.model.StepResult;
import io.towerstream.model.loss.SigmoidPairwiseLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The model-level contracts of the training options: temperature, SigLIP bias, queue, admission,
 * TTL.
 */
class TrainingOptionsTest {
  /**
   * Pinned to the learning rate and init scale these tests were written with, not the tuned
   * defaults.
   */
  private static ModelConfigBuilder small() {
    return ModelConfig.builder()
        .dim(8)
        .batchSize(2)
        .reservoirNegatives(0)
        .reservoirCapacity(10)
        .historyLength(0)
        .priorWeight(0)
        .learningRate(0.05f)
        .initScale(0.1f)
        .seed(1);
  }

  /**
   * Each of {@code n} users clicks only its own item: separable, so sharper logits only lower the
   * loss.
   */
  private static List<Interaction> ownItems(int n) {
    List<Interaction> batch = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      batch.add(new Interaction("u" + k, "i" + k));
    }
    return batch;
  }

  @Test
  void aLearnedTemperatureFallsOnASeparableTaskAndTheServedBiasFollowsIt() {
    ModelConfig config =
        small()
            .batchSize(20)
            .temperature(0.2f)
            .learnedTemperature(true)
            .towerLearningRate(0.02f)
            .learningRate(0.1f)
            .build();
    TwoTowerModel model = new TwoTowerModel(config);
    assertThat(model.temperature()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-6));
    for (int step = 0; step < 150; step++) {
      model.train(ownItems(20));
    }
    double tau = model.temperature();
    assertThat(tau)
        .as("sharper logits fit a separable task better")
        .isLessThan(0.15)
        .isGreaterThanOrEqualTo(ModelConfig.MIN_LEARNED_TEMPERATURE);
    int slot = model.state().items.slotOf("i3");
    assertThat(model.itemBias("i3")).isEqualTo((float) tau * model.state().biases.bias(slot));
  }

  @Test
  void everyItemIsRepublishedOnlyOnceALearnedTemperatureHasMovedByOnePercent() {
    // Adam moves log(1/τ) by about the learning rate per step: 0.1% with 0.001, 2% with 0.02.
    assertThat(itemsDrainedAfterASecondStep(0.001f))
        .as("τ moved by less than 1%: only the batch's rows")
        .containsExactlyInAnyOrder("i1", "i2");
    assertThat(itemsDrainedAfterASecondStep(0.02f))
        .as("τ moved by over 1%: every item")
        .hasSize(20);
  }

  private static List<String> itemsDrainedAfterASecondStep(float towerLearningRate) {
    TwoTowerModel model =
        new TwoTowerModel(
            small()
                .batchSize(20)
                .temperature(0.2f)
                .learnedTemperature(true)
                .towerLearningRate(towerLearningRate)
                .build());
    model.train(ownItems(20));
    model.drainChanged((kind, id, v, b) -> {});
    List<String> items = new ArrayList<>();
    model.train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i2")));
    model.drainChanged(
        (kind, id, v, b) -> {
          if (kind == io.towerstream.model.EntityKind.ITEM) {
            items.add(id);
          }
        });
    return items;
  }

  @Test
  void aFixedTemperatureStaysPut() {
    TwoTowerModel model = new TwoTowerModel(small().batchSize(20).temperature(0.2f).build());
    for (int step = 0; step < 20; step++) {
      model.train(ownItems(20));
    }
    assertThat(model.temperature()).isEqualTo(0.2f);
  }

  @Test
  void sigLipLearnsItsBiasFromTheInitialValue() {
    TwoTowerModel model =
        new TwoTowerModel(
            small().batchSize(20).loss(ModelConfig.Loss.SIGLIP).towerLearningRate(0.05f).build());
    List<Double> losses = new ArrayList<>();
    for (int step = 0; step < 50; step++) {
      losses.add(model.train(ownItems(20)).loss());
    }
    assertThat(model.sigmoidBias()).isNotEqualTo(SigmoidPairwiseLoss.INITIAL_BIAS);
    assertThat(losses.get(losses.size() - 1)).isLessThan(losses.get(0));
  }

  @Test
  void theQueueHoldsTheBatchsPositivesByTableSlotAndLosesEvictedRows() {
    TwoTowerModel model = new TwoTowerModel(small().queueSize(8).maxRowsPerTable(4).build());
    model.train(
        List.of(
            new Interaction("u1", "a"), new Interaction("u2", "b"), new Interaction("u3", "a")));
    ModelState s = model.state();
    assertThat(s.queue.keys()).containsExactly(s.items.slotOf("a"), s.items.slotOf("b"));

    int slotOfA = s.items.slotOf("a");
    // Three new items into a table of four rows: a, the least recently used, is evicted; its slot
    // is reused.
    model.train(
        List.of(
            new Interaction("u1", "c"), new Interaction("u2", "d"), new Interaction("u3", "e")));
    assertThat(s.items.slotOf("a")).isEqualTo(-1);
    int[] keys = s.queue.keys();
    assertThat(keys).hasSize(4); // b, then c, d, e: a's entry went with its row
    assertThat(Arrays.stream(keys).filter(k -> k == slotOfA).count())
        .as("the reused slot is queued once, for its new item")
        .isLessThanOrEqualTo(1);
    for (int key : keys) {
      assertThat(s.items.isLive(key)).isTrue();
    }
  }

  @Test
  void aQueuedCopyOfARowsOwnPositiveIsMaskedNotANegative() {
    TwoTowerModel model = new TwoTowerModel(small().queueSize(1).build());
    // Other items first, so that a's slot (the queue's key) differs from its index within a batch.
    model.train(List.of(new Interaction("u0", "z"), new Interaction("u9", "y")));
    List<Interaction> sameItem = List.of(new Interaction("u1", "a"), new Interaction("u2", "a"));
    model.train(sameItem);
    assertThat(model.state().queue.keys())
        .containsExactly(model.state().items.slotOf("a"))
        .doesNotContain(0);
    // Every column, in the batch or queued, is the rows' own positive: with all of them masked the
    // loss is 0.
    assertThat(model.train(sameItem).loss()).isZero();
    model.train(List.of(new Interaction("u3", "b"), new Interaction("u4", "b")));
    assertThat(model.train(sameItem).loss()).as("b, queued, is a true negative").isPositive();
  }

  @Test
  void anIdSeenFewerTimesThanTheAdmissionCountGetsNoRowAndItsEventsAreHeldBack() {
    TwoTowerModel model = new TwoTowerModel(small().admissionMinCount(2).build());
    StepResult first =
        model.train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i2")));
    assertThat(first.batchSize()).isZero();
    assertThat(model.userVector("u1")).isNull();
    assertThat(model.itemVector("i1")).isNull();
    ModelStats stats = model.stats();
    assertThat(stats.heldBackEvents()).isEqualTo(2);
    assertThat(stats.pendingIds()).isEqualTo(4);
    assertThat(stats.batches()).isZero();

    // Second sighting of u1 and i1 admits them; u3 and i3, seen once, stay out, and so does their
    // event.
    StepResult second =
        model.train(List.of(new Interaction("u1", "i1"), new Interaction("u3", "i3")));
    assertThat(second.batchSize()).isEqualTo(1);
    assertThat(model.userVector("u1")).isNotNull();
    assertThat(model.itemVector("i1")).isNotNull();
    assertThat(model.userVector("u3")).isNull();
    assertThat(model.stats().heldBackEvents()).isEqualTo(3);
    assertThat(model.stats().pendingIds()).as("u2, i2, u3, i3").isEqualTo(4);
    assertThat(model.stats().admittedRows()).isEqualTo(2);
  }

  @Test
  void aSecondSightingInTheSameBatchAdmitsAndTrains() {
    TwoTowerModel model = new TwoTowerModel(small().admissionMinCount(2).build());
    StepResult r =
        model.train(
            List.of(
                new Interaction("u1", "i1"),
                new Interaction("u1", "i1"),
                new Interaction("u2", "i2")));
    assertThat(r.batchSize()).isEqualTo(1);
    assertThat(model.userVector("u1")).isNotNull();
    assertThat(model.stats().pendingIds()).isEqualTo(2);
  }

  @Test
  void rowsIdleLongerThanTheTtlAreEvictedAndEveryPerRowPartForgetsThem() {
    TwoTowerModel model =
        new TwoTowerModel(
            small()
                .rowTtlEvents(4)
                .reservoirNegatives(2)
                .queueSize(8)
                .historyLength(3)
                .priorWeight(0.1f)
                .build());
    model.train(List.of(new Interaction("old1", "x"), new Interaction("old2", "y")));
    model.drainChanged((kind, id, v, b) -> {});
    List<String> drained = new ArrayList<>();
    for (int step = 0; step < 3; step++) {
      model.train(List.of(new Interaction("u" + step, "z"), new Interaction("v" + step, "w")));
    }
    model.drainChanged((kind, id, v, b) -> drained.add(id));
    // The clock is at 8 events; old1 and x were last used at 2: idle 6 > 4.
    assertThat(model.userVector("old1")).isNull();
    assertThat(model.itemVector("x")).isNull();
    assertThat(model.itemBias("x")).isZero();
    assertThat(drained).doesNotContain("old1", "old2", "x", "y");
    assertThat(model.stats().expiredRows()).isGreaterThanOrEqualTo(4);
    ModelState s = model.state();
    for (int key : s.queue.keys()) {
      assertThat(s.items.isLive(key)).as("queue keys are live rows").isTrue();
    }
    for (int item : s.reservoir.itemsByRecency()) {
      assertThat(s.items.isLive(item)).as("reservoir entries are live rows").isTrue();
    }
    // Training on, the reservoir draws and the freed slots are reused without tripping over the
    // expired rows.
    for (int step = 0; step < 5; step++) {
      assertThat(
              model
                  .train(
                      List.of(new Interaction("n" + step, "p" + step), new Interaction("m", "w")))
                  .skipped())
          .isFalse();
    }
    assertThat(model.stats().users()).isLessThanOrEqualTo(s.users.size());
  }
}

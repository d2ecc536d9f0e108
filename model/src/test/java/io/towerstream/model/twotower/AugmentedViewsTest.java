package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.random.SeededRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Augmented views of the users' histories as extra positive rows. */
class AugmentedViewsTest {
  private static final int[] HISTORY = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};

  @Test
  void aViewIsAContiguousCropWithSomeItemsMaskedAndNeverEmpty() {
    HistoryPlanner.Views views = new HistoryPlanner.Views(1, 0.3, 0.6);
    SeededRandom random = new SeededRandom(3);
    int shorter = 0;
    for (int trial = 0; trial < 200; trial++) {
      int[] view = views.draw(HISTORY, random);
      assertThat(view.length).isBetween(1, 6); // ⌈0.6 · 10⌉
      for (int k = 1; k < view.length; k++) {
        assertThat(view[k]).as("in order, inside one window").isGreaterThan(view[k - 1]);
      }
      assertThat(view[view.length - 1] - view[0]).as("one window of 6").isLessThan(6);
      if (view.length < 6) {
        shorter++;
      }
    }
    assertThat(shorter).as("the mask drops items").isGreaterThan(100);
    assertThat(new HistoryPlanner.Views(1, 0.0, 1.0).draw(HISTORY, random)).isEqualTo(HISTORY);
    assertThat(views.draw(new int[0], random)).isEmpty();
  }

  /**
   * The views add rows to the loss, not events to the stream: counters, histories and reservoir see
   * each event once, exactly as without views, while the trained vectors differ.
   */
  @Test
  void viewsAddTrainedRowsButEveryStreamStatisticCountsEachEventOnce() {
    ModelConfig plain =
        ModelConfig.builder()
            .dim(8)
            .batchSize(16)
            .reservoirNegatives(4)
            .reservoirCapacity(50)
            .historyLength(5)
            .seed(2)
            .build();
    TwoTowerModel without = new TwoTowerModel(plain);
    TwoTowerModel with = new TwoTowerModel(plain.toBuilder().augmentViews(2).build());
    List<List<Interaction>> batches = TestStreams.batches(20, 30, 16, 30, 8);
    for (List<Interaction> batch : batches) {
      assertThat(with.train(batch).batchSize()).isEqualTo(batch.size());
      without.train(batch);
    }
    assertThat(with.stats().eventsTrained()).isEqualTo(without.stats().eventsTrained());
    assertThat(with.stats().batches()).isEqualTo(without.stats().batches());
    assertThat(with.state().reservoir.size()).isEqualTo(without.state().reservoir.size());
    String user = batches.get(0).get(0).userId();
    assertThat(history(with, user)).isEqualTo(history(without, user));
    assertThat(with.userVector(user)).isNotEqualTo(without.userVector(user));
  }

  @Test
  void viewsNeedAHistoryAndSaneFractions() {
    assertThatThrownBy(() -> ModelConfig.builder().historyLength(0).augmentViews(1).build())
        .hasMessageContaining("model.augment.views");
    assertThatThrownBy(() -> ModelConfig.builder().augmentMaskProbability(1.0).build())
        .hasMessageContaining("model.augment.mask-probability");
    assertThatThrownBy(() -> ModelConfig.builder().augmentCropFraction(0).build())
        .hasMessageContaining("model.augment.crop-fraction");
  }

  private static List<String> history(TwoTowerModel model, String user) {
    List<String> out = new ArrayList<>();
    model.state().histories.copyTo(model.state().users.slotOf(user), out);
    return out;
  }
}

package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learned history weights follow what the stream says about the newest click: up where the next
 * click stays with the last one's topic, down towards the plain mean where taste is stable and the
 * order of clicks says nothing.
 */
class LearnedRecencyTest {
  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(16)
          .batchSize(32)
          .reservoirNegatives(32)
          .historyLength(10)
          .historyRecencyDecay(0.7)
          .historyRecencyLearningRate(0.05)
          .priorTuningInterval(0)
          .seed(3)
          .build();

  @Test
  void theNewestItemGainsWeightWhereTheNextClickFollowsTheLast() {
    assertThat(
            newestAfter(
                LongTailClicks.builder()
                    .users(300)
                    .items(600)
                    .topics(40)
                    .events(12_000)
                    .stayProbability(0.9)
                    .exploreProbability(0.05)
                    .seed(5)
                    .build()))
        .isGreaterThan(newestBefore() + 0.05f);
  }

  @Test
  void theWeightsFlattenWhereTasteIsStableAndOrderSaysNothing() {
    assertThat(
            newestAfter(
                PlantedClusterClicks.builder()
                    .users(300)
                    .items(600)
                    .clusters(10)
                    .events(12_000)
                    .seed(5)
                    .build()))
        .isLessThan(newestBefore() - 0.05f);
  }

  @Test
  void fixedWeightsStayAtTheConfiguredDecay() {
    TwoTowerModel model =
        new TwoTowerModel(CONFIG.toBuilder().historyRecencyLearningRate(0).build());
    float[] before = model.historyWeights(10);
    train(
        model,
        PlantedClusterClicks.builder().users(50).items(60).clusters(3).events(640).seed(5).build());
    assertThat(model.historyWeights(10)).containsExactly(before);
  }

  /** The weight of the newest of ten history items before training: the configured decay's. */
  private static float newestBefore() {
    return new TwoTowerModel(CONFIG).historyWeights(10)[9];
  }

  /** The weight of the newest of ten history items after training on {@code stream}. */
  private static float newestAfter(Iterable<Interaction> stream) {
    TwoTowerModel model = new TwoTowerModel(CONFIG);
    train(model, stream);
    return model.historyWeights(10)[9];
  }

  private static void train(TwoTowerModel model, Iterable<Interaction> stream) {
    List<Interaction> batch = new ArrayList<>();
    for (Interaction x : stream) {
      batch.add(x);
      if (batch.size() == CONFIG.batchSize()) {
        model.train(batch);
        batch = new ArrayList<>();
      }
    }
  }
}

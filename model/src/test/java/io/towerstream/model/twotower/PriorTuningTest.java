package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriorTuningTest {
  /**
   * Clusters without trends: popularity says nothing about the next click, the towers learn the
   * clusters.
   */
  private static final PlantedClusterClicks STREAM =
      PlantedClusterClicks.builder()
          .users(300)
          .items(200)
          .clusters(10)
          .events(12_000)
          .seed(3)
          .build();

  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(16)
          .batchSize(32)
          .reservoirNegatives(16)
          .priorWeight(8f)
          .priorTuningInterval(1)
          .seed(5)
          .build();

  @Test
  void aCatalogueWithoutTrendsTunesThePriorDownAndRepublishesEveryItemWhenItMoves() {
    TwoTowerModel model = new TwoTowerModel(CONFIG);
    List<Interaction> batch = new ArrayList<>();
    int republished = 0;
    for (Interaction x : STREAM) {
      batch.add(x);
      if (batch.size() < CONFIG.batchSize()) {
        continue;
      }
      float before = model.priorWeight();
      model.train(batch);
      batch.clear();
      Map<String, Float> items = new HashMap<>();
      model.drainChanged(
          (kind, id, v, bias) -> {
            if (kind == EntityKind.ITEM) {
              items.put(id, bias);
            }
          });
      if (model.priorWeight() != before) {
        republished++;
        assertThat(items)
            .as("a new weight moves every item's bias")
            .hasSize((int) model.stats().items());
        items.forEach((id, bias) -> assertThat(bias).isEqualTo(model.itemBias(id)));
      }
    }
    assertThat(model.priorWeight())
        .as("the prior only pushes popular items above the user's cluster")
        .isLessThanOrEqualTo(0.25f);
    assertThat(republished).isPositive();
    assertThat(model.stats().priorWeight()).isEqualTo(model.priorWeight());
    double[] hr = model.priorTuningHitRates();
    assertThat(hr[0]).as("no prior beats the starting weight 8").isGreaterThan(hr[hr.length - 1]);
  }

  @Test
  void aFixedWeightIsNeverTuned() {
    TwoTowerModel model = new TwoTowerModel(CONFIG.toBuilder().priorTuningInterval(0).build());
    List<Interaction> all = new ArrayList<>();
    STREAM.forEach(all::add);
    for (int i = 0; i + 32 <= 3200; i += 32) {
      model.train(all.subList(i, i + 32));
    }
    assertThat(model.priorWeight()).isEqualTo(8f);
    assertThat(model.priorTuningHitRates()).isNull();
  }

  @Test
  void tuningWorkStaysBoundedAsTheCatalogueGrows() {
    // every event of a batch on a small catalogue, at least four on a large one
    assertThat(PriorTuning.eventsToScore(32, 200)).isEqualTo(32);
    assertThat(PriorTuning.eventsToScore(32, 1_682)).isEqualTo(19);
    assertThat(PriorTuning.eventsToScore(32, 12_000)).isEqualTo(4);
    assertThat(PriorTuning.eventsToScore(2, 1_000_000)).isEqualTo(2);
    // every batch up to 32,768 items, then rarer: the item scores average at most 2^17 a batch
    assertThat(PriorTuning.batchesPerTuning(32_768)).isEqualTo(1);
    assertThat(PriorTuning.batchesPerTuning(32_769)).isEqualTo(2);
    assertThat(PriorTuning.batchesPerTuning(1_000_000)).isEqualTo(31);
    for (int n : new int[] {10, 1_000, 50_000, 2_000_000}) {
      long perBatch = PriorTuning.eventsToScore(32, n) * (long) n / PriorTuning.batchesPerTuning(n);
      assertThat(perBatch).as("%d items", n).isLessThanOrEqualTo(PriorTuning.ITEM_SCORES_PER_BATCH);
    }
  }
}

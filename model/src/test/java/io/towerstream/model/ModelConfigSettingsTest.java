package io.towerstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.features.ItemFeatureSettings;
import io.towerstream.model.history.AugmentSettings;
import io.towerstream.model.loss.DinoSettings;
import io.towerstream.model.loss.ItemPairSettings;
import io.towerstream.model.loss.QueueSettings;
import io.towerstream.model.prior.PriorSettings;
import io.towerstream.model.sampling.NegativeSettings;
import io.towerstream.model.tower.TowerSettings;
import org.junit.jupiter.api.Test;

/**
 * The per-concern settings records: each checks its own values, and a ModelConfig hands out its.
 */
class ModelConfigSettingsTest {
  private static final ModelConfig DEFAULTS = ModelConfig.defaults();

  @Test
  void aConfigHandsOutItsOwnValuesPerConcern() {
    ModelConfig c =
        ModelConfig.builder()
            .reservoirNegatives(64)
            .priorWeight(0.5f)
            .itemPairsWindow(3)
            .itemFeatureTokens(16)
            .augmentViews(2)
            .build();
    assertThat(c.negatives().reservoirNegatives()).isEqualTo(64);
    assertThat(c.negatives().reservoirCapacity()).isEqualTo(c.reservoirCapacity());
    assertThat(c.prior().weight()).isEqualTo(0.5f);
    assertThat(c.prior().tuned()).isEqualTo(c.priorTuningInterval() > 0);
    assertThat(c.itemPairs().window()).isEqualTo(3);
    assertThat(c.itemPairs().enabled()).isEqualTo(c.itemPairsWeight() > 0);
    assertThat(c.itemFeatures().maxTokens()).isEqualTo(16);
    assertThat(c.augment().views()).isEqualTo(2);
    assertThat(c.featureTokens()).isNotNull();
  }

  @Test
  void negativesNameTheirOptions() {
    assertThatThrownBy(() -> new NegativeSettings(0, 8, 0.5, 0.01, true))
        .hasMessage(
            "model.reservoir.capacity must be positive when reservoir negatives are drawn, was 0");
    assertThatThrownBy(() -> new NegativeSettings(10, 8, 1.5, 0.01, true))
        .hasMessageStartingWith("model.reservoir.alpha must be in [0, 1]");
    assertThatThrownBy(() -> new NegativeSettings(10, 8, 0.5, 0, true))
        .hasMessageStartingWith("model.frequency.decay must be in (0, 1]");
  }

  @Test
  void thePriorNamesItsOptions() {
    assertThatThrownBy(() -> new PriorSettings(true, 101, 1000, 0))
        .hasMessageStartingWith("model.prior.weight must be in [0, 100]");
    assertThatThrownBy(() -> new PriorSettings(true, 50, 1000, 1))
        .hasMessageStartingWith("model.prior.weight must be at most 8.0 when it is tuned");
    assertThatThrownBy(() -> new PriorSettings(true, 0, 0.5, 1))
        .hasMessageStartingWith("model.prior.half-life-events must be at least 1");
  }

  @Test
  void itemPairsNameTheirOptions() {
    assertThatThrownBy(() -> new ItemPairSettings(11, 0.2, 5))
        .hasMessageStartingWith("model.item-pairs.weight must be in [0, 10]");
    assertThatThrownBy(() -> new ItemPairSettings(0.3, 0, 5))
        .hasMessageStartingWith("model.item-pairs.temperature must be in (0, 10]");
    assertThatThrownBy(() -> new ItemPairSettings(0.3, 0.2, 0))
        .hasMessage(
            "model.item-pairs.window must be between 1 (the latest earlier click) and 10000, was 0");
  }

  @Test
  void itemFeaturesAndAugmentNameTheirOptions() {
    assertThatThrownBy(() -> new ItemFeatureSettings(2000, "", 0))
        .hasMessageStartingWith("model.item-features.max-tokens must be between 0");
    assertThatThrownBy(() -> new ItemFeatureSettings(32, "", 1))
        .hasMessageStartingWith("model.item-features.id-dropout must be in [0, 1)");
    assertThatThrownBy(() -> new AugmentSettings(9, 0.2, 0.8))
        .hasMessageStartingWith("model.augment.views must be between 0 (off) and 8");
    assertThatThrownBy(() -> new AugmentSettings(1, 1, 0.8))
        .hasMessageStartingWith("model.augment.mask-probability must be in [0, 1)");
    assertThatThrownBy(() -> new AugmentSettings(1, 0.2, 0))
        .hasMessageStartingWith("model.augment.crop-fraction must be in (0, 1]");
  }

  @Test
  void towersQueueAndDistillationNameTheirOptions() {
    assertThatThrownBy(() -> new TowerSettings(1, false, 0, 0.001f, 0.01f))
        .hasMessage("model.dim must be between 2 and 4096, was 1");
    assertThatThrownBy(() -> new TowerSettings(64, false, 5000, 0.001f, 0.01f))
        .hasMessageStartingWith("model.tower.mlp-hidden must be between 0 (no MLP) and 4096");
    assertThatThrownBy(() -> new TowerSettings(64, false, 0, 0, 0.01f))
        .hasMessageStartingWith("model.tower-learning-rate must be positive");
    assertThatThrownBy(() -> new TowerSettings(64, false, 0, 0.001f, 0))
        .hasMessageStartingWith("model.init-scale must be positive");
    assertThatThrownBy(() -> new QueueSettings(-1, 0.99))
        .hasMessageStartingWith("model.queue.size must be between 0 (off) and 1000000");
    assertThatThrownBy(() -> new QueueSettings(16, 1))
        .hasMessageStartingWith("model.queue.momentum must be in [0, 1)");
    assertThatThrownBy(() -> new DinoSettings(1, 0.04, 0.996))
        .hasMessageStartingWith("model.loss.dino.prototypes must be between 2 and 65536");
    assertThatThrownBy(() -> new DinoSettings(256, 0, 0.996))
        .hasMessageStartingWith("model.loss.dino.teacher-temperature must be in (0, 1]");
    assertThatThrownBy(() -> new DinoSettings(256, 0.04, 1))
        .hasMessageStartingWith("model.loss.dino.momentum must be in [0, 1)");
    ModelConfig c = ModelConfig.builder().dim(32).queueSize(128).dinoPrototypes(64).build();
    assertThat(c.towers().dim()).isEqualTo(32);
    assertThat(c.queue().size()).isEqualTo(128);
    assertThat(c.dino().prototypes()).isEqualTo(64);
  }

  @Test
  void lossTablesAndReplayNameTheirOptions() {
    assertThatThrownBy(() -> new LossSettings(null, 0.2f, false, 0, 0, 0.2))
        .hasMessageStartingWith("model.loss must be one of");
    assertThatThrownBy(() -> new LossSettings(ModelConfig.Loss.INFONCE, 0, false, 0, 0, 0.2))
        .hasMessageStartingWith("model.temperature must be in (0, 10]");
    assertThatThrownBy(() -> new LossSettings(ModelConfig.Loss.SIGLIP, 0.2f, false, 1, 0, 0.2))
        .hasMessageStartingWith(
            "model.loss must be infonce or symmetric-infonce when hard-negative-beta or"
                + " positive-prior is set");
    assertThatThrownBy(() -> new LossSettings(ModelConfig.Loss.TRIPLET, 0.2f, true, 0, 0, 0.2))
        .hasMessageStartingWith("model.temperature.learned must be false with the triplet");
    assertThatThrownBy(() -> new LossSettings(ModelConfig.Loss.INFONCE, 5f, true, 0, 0, 0.2))
        .hasMessage("model.temperature must be in [0.01, 1.0] when it is learned, was 5.0");
    assertThatThrownBy(() -> new LossSettings(ModelConfig.Loss.TRIPLET, 0.2f, false, 0, 0, 5))
        .hasMessageStartingWith("model.loss.margin must be in (0, 4]");
    assertThatThrownBy(() -> new TableSettings(null, 0.01f, 1000, 1, 0))
        .hasMessageStartingWith("model.table.optimizer must be one of adagrad, adam");
    assertThatThrownBy(() -> new TableSettings(ModelConfig.TableOptimizer.ADAGRAD, 0, 1000, 1, 0))
        .hasMessageStartingWith("model.learning-rate must be positive");
    assertThatThrownBy(
            () -> new TableSettings(ModelConfig.TableOptimizer.ADAGRAD, 0.01f, 1000, 0, 0))
        .hasMessageStartingWith("model.table.admission-min-count must be between 1");
    assertThatThrownBy(
            () -> new TableSettings(ModelConfig.TableOptimizer.ADAGRAD, 0.01f, 1000, 1, -1))
        .hasMessageStartingWith("model.table.ttl-events must be non-negative");
    assertThatThrownBy(() -> new ReplaySettings(17, 100))
        .hasMessageStartingWith("model.replay.ratio must be in [0, 16]");
    assertThatThrownBy(() -> new ReplaySettings(1, 0))
        .hasMessageStartingWith("model.replay.capacity must be between 1 and 10000000");
    ModelConfig c = DEFAULTS.toBuilder().replayRatio(0.5).admissionMinCount(3).build();
    assertThat(c.replay().enabled()).isTrue();
    assertThat(c.tables().admissionMinCount()).isEqualTo(3);
    assertThat(c.lossSettings().loss()).isEqualTo(c.loss());
    assertThat(ModelConfig.Loss.INFONCE.learnsTemperature()).isTrue();
    assertThat(ModelConfig.Loss.DINO.learnsTemperature()).isFalse();
  }

  @Test
  void theBuilderFailsThroughTheRecords() {
    assertThatThrownBy(() -> DEFAULTS.toBuilder().reservoirAlpha(2).build())
        .hasMessageStartingWith("model.reservoir.alpha must be in [0, 1]");
    assertThatThrownBy(() -> DEFAULTS.toBuilder().itemPairsTemperature(0).build())
        .hasMessageStartingWith("model.item-pairs.temperature must be in (0, 10]");
  }
}

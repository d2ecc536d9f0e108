package io.towerstream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelConfigTest {
  @Test
  void theTrainingOptionsDefaultToTodaysBehaviour() {
    ModelConfig c = ModelConfig.defaults();
    assertThat(c.loss()).isEqualTo(ModelConfig.Loss.INFONCE);
    assertThat(c.hardNegativeBeta()).isZero();
    assertThat(c.positivePrior()).isZero();
    assertThat(c.learnedTemperature()).isFalse();
    assertThat(c.queueSize()).isZero();
    assertThat(c.queueMomentum()).isEqualTo(0.99);
    assertThat(c.admissionMinCount()).isEqualTo(1);
    assertThat(c.rowTtlEvents()).isZero();
    assertThat(c.tableOptimizer()).isEqualTo(ModelConfig.TableOptimizer.ADAGRAD);
    assertThat(c.itemPairsWeight()).isEqualTo(0.3);
    assertThat(c.itemPairsWindow()).isEqualTo(5);
    assertThat(c.itemPairsTemperature()).isEqualTo(0.2);
    assertThat(c.toBuilder().build()).isEqualTo(c);
  }

  @Test
  void badValuesFailNamingTheOption() {
    assertThatThrownBy(() -> ModelConfig.Loss.parse("x"))
        .hasMessage(
            "model.loss must be one of infonce, symmetric-infonce, siglip, alignment, triplet, barlow-twins, simsiam, dino, was x");
    assertThatThrownBy(() -> ModelConfig.TableOptimizer.parse("sgd"))
        .hasMessage("model.table.optimizer must be one of adagrad, adam, was sgd");
    assertThat(ModelConfig.Loss.parse("Symmetric-InfoNCE"))
        .isEqualTo(ModelConfig.Loss.SYMMETRIC_INFONCE);
    assertThatThrownBy(() -> ModelConfig.builder().tripletMargin(0).build())
        .hasMessageContaining("model.loss.margin");
    assertThatThrownBy(
            () ->
                ModelConfig.builder()
                    .loss(ModelConfig.Loss.TRIPLET)
                    .learnedTemperature(true)
                    .build())
        .hasMessageContaining("model.temperature.learned");
    assertThatThrownBy(
            () -> ModelConfig.builder().loss(ModelConfig.Loss.TRIPLET).hardNegativeBeta(1).build())
        .hasMessageContaining("model.loss");
    assertThatThrownBy(() -> ModelConfig.builder().positivePrior(1).build())
        .hasMessageStartingWith("model.loss.positive-prior must be");
    assertThatThrownBy(() -> ModelConfig.builder().hardNegativeBeta(-1).build())
        .hasMessageStartingWith("model.loss.hard-negative-beta must be");
    assertThatThrownBy(
            () -> ModelConfig.builder().loss(ModelConfig.Loss.SIGLIP).hardNegativeBeta(1).build())
        .hasMessageStartingWith("model.loss must be infonce or symmetric-infonce");
    assertThatThrownBy(() -> ModelConfig.builder().learnedTemperature(true).temperature(5).build())
        .hasMessageStartingWith("model.temperature must be in [0.01, 1.0] when it is learned");
    for (ModelConfig.Loss negativeFree :
        new ModelConfig.Loss[] {ModelConfig.Loss.SIMSIAM, ModelConfig.Loss.DINO}) {
      assertThatThrownBy(() -> ModelConfig.builder().loss(negativeFree).build())
          .hasMessageStartingWith("model.item-bias must be false with the simsiam and dino losses");
    }
    assertThatThrownBy(() -> ModelConfig.builder().dinoPrototypes(1).build())
        .hasMessageStartingWith("model.loss.dino.prototypes must be");
    assertThatThrownBy(() -> ModelConfig.builder().dinoTeacherTemperature(0).build())
        .hasMessageStartingWith("model.loss.dino.teacher-temperature must be");
    assertThatThrownBy(() -> ModelConfig.builder().dinoMomentum(1).build())
        .hasMessageStartingWith("model.loss.dino.momentum must be");
    assertThatThrownBy(() -> ModelConfig.builder().queueSize(-1).build())
        .hasMessageStartingWith("model.queue.size must be");
    assertThatThrownBy(() -> ModelConfig.builder().queueMomentum(1).build())
        .hasMessageStartingWith("model.queue.momentum must be");
    assertThatThrownBy(() -> ModelConfig.builder().admissionMinCount(0).build())
        .hasMessageStartingWith("model.table.admission-min-count must be");
    assertThatThrownBy(() -> ModelConfig.builder().rowTtlEvents(10).build())
        .hasMessageStartingWith("model.table.ttl-events must be 0 or at least the batch size");
    assertThatThrownBy(() -> ModelConfig.builder().tableOptimizer(null).build())
        .hasMessageStartingWith("model.table.optimizer must be");
  }
}

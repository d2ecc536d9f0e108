package io.towerstream.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.ModelConfig;
import org.junit.jupiter.api.Test;

class HistorySettingsTest {
  @Test
  void theDefaultsAreValidAndLearnTheWeights() {
    HistorySettings h = ModelConfig.defaults().history();
    assertThat(h.length()).isEqualTo(ModelConfig.defaults().historyLength());
    assertThat(h.learnsRecency()).isTrue();
  }

  @Test
  void eachBadValueFailsNamingItsOption() {
    assertThatThrownBy(() -> new HistorySettings(-1, 0.7, 0.5, 0.003))
        .hasMessage(
            "model.history.length must be between 0 (id-only user tower) and 10000, was -1");
    assertThatThrownBy(() -> new HistorySettings(50, 0, 0.5, 0.003))
        .hasMessageStartingWith("model.history.recency-decay must be in (0, 1]");
    assertThatThrownBy(() -> new HistorySettings(50, 0.7, 0, 0.003))
        .hasMessageStartingWith("model.history.id-weight must be in (0, 1]");
    assertThatThrownBy(() -> new HistorySettings(50, 0.7, 0.5, 2))
        .hasMessageStartingWith("model.history.recency-learning-rate must be in [0, 1]");
  }

  @Test
  void aModelConfigIsCheckedByTheSameRecord() {
    assertThatThrownBy(() -> ModelConfig.builder().historyIdWeight(1.5).build())
        .hasMessageStartingWith("model.history.id-weight must be in (0, 1]");
  }

  @Test
  void nothingIsLearnedWithoutARateOrAHistory() {
    assertThat(new HistorySettings(50, 0.7, 0.5, 0).learnsRecency()).isFalse();
    assertThat(new HistorySettings(0, 0.7, 0.5, 0.003).learnsRecency()).isFalse();
  }
}

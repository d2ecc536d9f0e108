package io.towerstream.benchmarks.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.config.OptionValues;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

class HarnessOptionsTest {
  @Test
  void harnessKeysAndModelKeysUnderEitherNameAreRead() {
    OptionValues o =
        HarnessOptions.parse(
            HarnessOptions.OPTIONS,
            List.of(
                "csv",
                "split=0.7",
                "protocol=next-click",
                "easeLambda=tune",
                "dim=32",
                "model.loss=siglip",
                "augmentMask=0.25"));
    assertThat(o.get(HarnessOptions.CSV)).isTrue();
    assertThat(o.get(HarnessOptions.SPLIT)).isEqualTo(0.7);
    assertThat(o.get(HarnessOptions.PROTOCOL)).isEqualTo(HarnessOptions.Protocol.NEXT_CLICK);
    assertThat(o.get(HarnessOptions.EASE_LAMBDA)).isNaN();
    ModelConfig config = HarnessOptions.model(o).build();
    assertThat(config.dim()).isEqualTo(32);
    assertThat(config.loss()).isEqualTo(ModelConfig.Loss.SIGLIP);
    assertThat(config.augmentMaskProbability()).isEqualTo(0.25);
    assertThat(config.batchSize())
        .as("untouched: the default")
        .isEqualTo(ModelConfig.defaults().batchSize());
  }

  @Test
  void aBadRepeatedOrUnknownKeyFailsNamingIt() {
    assertThatThrownBy(
            () -> HarnessOptions.parse(HarnessOptions.OPTIONS, List.of("dim=32", "model.dim=64")))
        .hasMessageContaining("--model.dim")
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> HarnessOptions.parse(HarnessOptions.OPTIONS, List.of("popWindow=x")))
        .hasMessage("--popWindow must be an integer, was 'x'");
    assertThatThrownBy(() -> HarnessOptions.parse(HarnessOptions.OPTIONS, List.of("itemBias=yes")))
        .hasMessage("--model.item-bias must be true or false, was 'yes'");
    assertThatThrownBy(() -> HarnessOptions.parse(HarnessOptions.OPTIONS, List.of("batchsize=8")))
        .hasMessageContaining("unknown option --batchsize; did you mean --batchSize?");
    assertThatThrownBy(() -> HarnessOptions.parse(HarnessOptions.OPTIONS, List.of("dim")))
        .hasMessageContaining("expected key=value");
  }

  @Test
  void theStepBenchmarksOverridesGoThroughTheSameDeclarations() {
    ModelConfigBuilder b = ModelConfig.builder();
    QualityHarness.configure(b, "replayRatio", "0.5");
    QualityHarness.configure(b, "model.table.optimizer", "adam");
    assertThat(b.build().replayRatio()).isEqualTo(0.5);
    assertThat(b.build().tableOptimizer()).isEqualTo(ModelConfig.TableOptimizer.ADAM);
    assertThatThrownBy(() -> QualityHarness.configure(b, "split", "0.5"))
        .as("not a model key")
        .hasMessageContaining("unknown option --split");
  }

  @Test
  void theUsageListsEveryKeyByTheNameItIsGivenUnder() {
    assertThat(HarnessOptions.usage())
        .contains("  popWindow ", "(default: 1000)", "  dim ", "  model.frequency.decay ");
  }
}

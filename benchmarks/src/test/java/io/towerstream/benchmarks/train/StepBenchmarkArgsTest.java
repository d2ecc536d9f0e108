package io.towerstream.benchmarks.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.ModelConfig;
import org.junit.jupiter.api.Test;

/** The step benchmark's command line, read by the harness's option rules. */
class StepBenchmarkArgsTest {
  @Test
  void positionalWordsAreShortForTheirKeys() {
    StepBenchmark.Invocation run =
        StepBenchmark.Invocation.of(
            "32", "128", "256", "1500", "true", "users=2000", "itemPairs=0.3");
    ModelConfig c = run.config();
    assertThat(c.batchSize()).isEqualTo(32);
    assertThat(c.dim()).isEqualTo(128);
    assertThat(c.reservoirNegatives()).isEqualTo(256);
    assertThat(c.towerProjection()).isTrue();
    assertThat(c.itemPairs().weight()).isEqualTo(0.3);
    assertThat(run.steps()).isEqualTo(1500);
    assertThat(run.users()).isEqualTo(2000);
    assertThat(run.keyed()).containsExactly("users=2000", "itemPairs=0.3");
  }

  @Test
  void whatTheWordsLeaveOutTakesTheBenchmarksStartingPoint() {
    StepBenchmark.Invocation run = StepBenchmark.Invocation.of("64");
    assertThat(run.config().batchSize()).isEqualTo(64);
    assertThat(run.config().dim()).isEqualTo(64);
    assertThat(run.config().reservoirNegatives()).isEqualTo(64);
    assertThat(run.steps()).isEqualTo(500);
    assertThat(run.users()).isEqualTo(StepBenchmark.DEFAULT_USERS);
  }

  @Test
  void aKeyGivenTwiceOrUnknownFailsNamingIt() {
    assertThatThrownBy(() -> StepBenchmark.Invocation.of("32", "64", "dim=128"))
        .hasMessageContaining("dim")
        .hasMessageContaining("more than once");
    assertThatThrownBy(() -> StepBenchmark.Invocation.of("32", "dimm=128"))
        .hasMessageContaining("unknown option --dimm");
    assertThatThrownBy(() -> StepBenchmark.Invocation.of("32", "64", "256", "100", "false", "x"))
        .hasMessageContaining("expected key=value");
  }
}

package io.towerstream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GradientClipperTest {
  private final GradientClipper clipper = new GradientClipper(5.0);

  @Test
  void scalesDownOnlyAboveTheGlobalNorm() {
    GradientClipper.Decision small = clipper.decide(1.0, new float[] {3f}, new float[] {0f});
    assertThat(small.skip()).isFalse();
    assertThat(small.scale()).isEqualTo(1f);

    GradientClipper.Decision big = clipper.decide(1.0, new float[] {6f}, null, new float[] {8f});
    assertThat(big.norm()).isCloseTo(10.0, within(1e-9));
    assertThat(big.scale()).isCloseTo(0.5f, within(1e-7f));
  }

  @Test
  void anyNonFiniteLossOrGradientSkipsTheStep() {
    assertThat(clipper.decide(Double.NaN, new float[] {1f}).skip()).isTrue();
    assertThat(clipper.decide(Double.POSITIVE_INFINITY, new float[] {1f}).skip()).isTrue();
    assertThat(clipper.decide(1.0, new float[] {1f, Float.NaN}).skip()).isTrue();
    assertThat(clipper.decide(1.0, new float[] {1f}, new float[] {Float.NEGATIVE_INFINITY}).skip())
        .isTrue();
    assertThat(clipper.decide(1.0, new float[] {Float.MAX_VALUE}).skip())
        .as("huge but finite")
        .isFalse();
  }
}

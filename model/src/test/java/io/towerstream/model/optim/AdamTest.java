package io.towerstream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class AdamTest {
  @Test
  void firstStepMovesEachParameterByTheLearningRateAgainstItsGradient() {
    // With bias correction, m̂/√v̂ = g/|g| on the first step.
    float[] params = {1f, 1f, 1f};
    new Adam(3).apply(params, new float[] {0.5f, -2f, 0f}, 1f, 0.01f);
    assertThat(params[0]).isCloseTo(0.99f, within(1e-6f));
    assertThat(params[1]).isCloseTo(1.01f, within(1e-6f));
    assertThat(params[2]).isEqualTo(1f);
  }

  @Test
  void minimisesAQuadratic() {
    float[] x = {3f, -2f};
    Adam adam = new Adam(2);
    for (int i = 0; i < 2000; i++) {
      adam.apply(x, new float[] {2 * x[0], 2 * x[1]}, 1f, 0.05f);
    }
    assertThat(Math.abs(x[0]) + Math.abs(x[1])).isLessThan(0.05f);
  }
}

package io.towerstream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.towerstream.model.tables.IdTable;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LazyAdamTest {
  private static final int DIM = 3;

  @Test
  void aRowConvergesOnAQuadraticAndUntouchedRowsStayExactlyAsTheyWere() {
    LazyAdam adam = new LazyAdam(0.05f);
    IdTable table = new IdTable(DIM, 4, adam.stateWidth(DIM));
    int trained = table.insert("a", new float[] {0, 0, 0}, 0);
    int idle = table.insert("b", new float[] {5, -5, 1}, 0);
    float[] idleBefore = row(table, idle);
    float[] target = {1f, -2f, 0.5f};
    for (int step = 0; step < 600; step++) {
      float[] w = row(table, trained);
      float[] grad = new float[DIM]; // ∂/∂w of ½‖w − target‖²
      for (int j = 0; j < DIM; j++) {
        grad[j] = w[j] - target[j];
      }
      adam.apply(table, new int[] {trained, -1}, Arrays.copyOf(grad, 2 * DIM), 1f);
    }
    float[] w = row(table, trained);
    for (int j = 0; j < DIM; j++) {
      assertThat(w[j]).isCloseTo(target[j], offset(0.02f));
    }
    assertThat(table.chunk(trained)[table.offset(trained) + DIM])
        .as("the row's own step count")
        .isEqualTo(600f);
    assertThat(row(table, idle))
        .as("weights and state of an untouched row")
        .containsExactly(idleBefore);
  }

  @Test
  void theFirstStepOfARowIsTheLearningRateAlongTheGradientsSignWhenEverItComes() {
    // Bias correction by the row's own count: lr·m̂/√v̂ = lr·sign(g) on a row's first update.
    LazyAdam adam = new LazyAdam(0.1f);
    float[] row = new float[DIM + adam.stateWidth(DIM)];
    adam.update(row, 0, DIM, new float[] {3f, -0.001f, 0f}, 0, 1f);
    assertThat(row[0]).isCloseTo(-0.1f, offset(1e-5f));
    assertThat(row[1]).isCloseTo(0.1f, offset(1e-3f));
    assertThat(row[2]).isZero();
  }

  @Test
  void refusesATableWhoseRowsHoldAnotherOptimizersState() {
    IdTable adagradRows = new IdTable(DIM, 4);
    adagradRows.insert("a", new float[DIM], 0);
    assertThatThrownBy(
            () -> new LazyAdam(0.1f).apply(adagradRows, new int[] {0}, new float[DIM], 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("state floats");
  }

  private static float[] row(IdTable table, int slot) {
    int width = DIM + table.stateWidth();
    return Arrays.copyOfRange(table.chunk(slot), table.offset(slot), table.offset(slot) + width);
  }
}

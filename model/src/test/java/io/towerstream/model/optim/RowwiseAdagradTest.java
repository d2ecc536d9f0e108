package io.towerstream.model.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.tables.IdTable;
import org.junit.jupiter.api.Test;

class RowwiseAdagradTest {
  @Test
  void updateFollowsRowwiseAdagrad() {
    float[] row = {1f, 2f, 0.5f}; // two weights, accumulator 0.5
    float[] grad = {0.3f, -0.4f};
    new RowwiseAdagrad(0.1f).update(row, 0, 2, grad, 0, 1f);
    double accumulator = 0.5 + (0.09 + 0.16) / 2;
    assertThat(row[2]).isCloseTo((float) accumulator, within(1e-6f));
    assertThat(row[0]).isCloseTo((float) (1 - 0.1 * 0.3 / Math.sqrt(accumulator)), within(1e-6f));
    assertThat(row[1]).isCloseTo((float) (2 + 0.1 * 0.4 / Math.sqrt(accumulator)), within(1e-6f));
  }

  @Test
  void duplicateIdsInABatchAreSummedIntoOneUpdate() {
    // Positions 0 and 2 are the same row. Summing first gives one accumulator increment of
    // mean((g1+g2)²); two sequential updates would add two increments and take two steps.
    float[] positionGrads = {0.1f, 0.2f, /* other row */ 1f, 1f, 0.3f, -0.1f};
    float[] summed = RowGradientSum.byDistinct(positionGrads, new int[] {0, 1, 0}, 3, 2, 2);
    assertThat(summed).containsExactly(0.4f, 0.1f, 1f, 1f);

    IdTable table = new IdTable(2, 4);
    int slot = table.insert("u", new float[] {0f, 0f}, 0);
    int other = table.insert("v", new float[] {0f, 0f}, 0);
    new RowwiseAdagrad(0.1f).apply(table, new int[] {slot, other}, summed, 1f);

    float accumulator = table.chunk(slot)[table.offset(slot) + 2];
    assertThat(accumulator).isCloseTo((0.16f + 0.01f) / 2, within(1e-7f));
    float step = 0.1f / (float) Math.sqrt(accumulator);
    assertThat(table.chunk(slot)[table.offset(slot)]).isCloseTo(-step * 0.4f, within(1e-6f));
  }

  @Test
  void rowsWithoutASlotAreSkippedAndScaleApplies() {
    IdTable table = new IdTable(1, 2);
    int slot = table.insert("u", new float[] {0f}, 0);
    new RowwiseAdagrad(1f).apply(table, new int[] {-1, slot}, new float[] {5f, 2f}, 0.5f);
    // g = 0.5·2 = 1: accumulator 1, step −1
    assertThat(table.chunk(slot)[table.offset(slot)]).isCloseTo(-1f, within(1e-6f));
  }
}

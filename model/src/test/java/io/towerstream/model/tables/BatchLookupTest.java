package io.towerstream.model.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.random.SeededRandom;
import org.junit.jupiter.api.Test;

class BatchLookupTest {
  private static final int DIM = 2;

  @Test
  void repeatedIdsShareOneDistinctRowAndNewRowsWaitForCommit() {
    IdTable table = new IdTable(DIM, 10);
    table.insert("old", new float[] {1, 1}, 0);
    RowInitializer init = new RowInitializer(new SeededRandom(1), 0.1f, 1L);
    BatchLookup lookup = new BatchLookup(table);

    int a = lookup.add("new", init);
    int b = lookup.add("old", init);
    int c = lookup.add("new", init);

    assertThat(a).isEqualTo(c).isNotEqualTo(b);
    assertThat(lookup.positions()).isEqualTo(3);
    assertThat(lookup.distinctCount()).isEqualTo(2);
    assertThat(lookup.distinctIndices()).containsExactly(0, 1, 0);
    assertThat(lookup.slotBefore(a)).isEqualTo(-1);
    assertThat(table.size()).as("nothing inserted before commit").isEqualTo(1);

    float[] gathered = new float[3 * DIM];
    lookup.gatherPositions(gathered);
    assertThat(gathered[2]).isEqualTo(1f);
    assertThat(gathered[0]).isEqualTo(gathered[4]).isNotZero();

    int[] slots = lookup.commit();
    assertThat(table.size()).isEqualTo(2);
    assertThat(slots[a]).isEqualTo(table.slotOf("new"));
    float[] stored = new float[DIM];
    table.copyWeights(slots[a], stored, 0);
    assertThat(stored[0]).isEqualTo(gathered[0]);
  }

  @Test
  void rowsEvictedByThisBatchsOwnInsertsResolveToMinusOne() {
    IdTable table = new IdTable(DIM, 2);
    table.insert("x", new float[DIM], 0);
    RowInitializer init = new RowInitializer(new SeededRandom(1), 0.1f, 1L);
    BatchLookup lookup = new BatchLookup(table);
    lookup.add("x", init);
    lookup.add("y", init);
    lookup.add("z", init); // three distinct ids for a table of two rows

    int[] slots = lookup.commit();

    assertThat(slots[0]).as("x, least recently used, was evicted by z").isEqualTo(-1);
    assertThat(slots[1]).isEqualTo(table.slotOf("y"));
    assertThat(slots[2]).isEqualTo(table.slotOf("z"));
  }
}

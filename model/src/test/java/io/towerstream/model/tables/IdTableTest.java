package io.towerstream.model.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdTableTest {
  private static final int DIM = 3;

  @Test
  void everyIdGetsItsOwnRowWithItsInitialWeightsAndAZeroAccumulator() {
    IdTable table = new IdTable(DIM, 10);
    int a = table.insert("a", new float[] {1, 2, 3}, 0);
    int b = table.insert("b", new float[] {9, 4, 5, 6}, 1);
    assertThat(a).isNotEqualTo(b);
    assertThat(table.slotOf("a")).isEqualTo(a);
    assertThat(table.slotOf("missing")).isEqualTo(-1);
    assertThat(weights(table, b)).containsExactly(4, 5, 6);
    assertThat(table.chunk(b)[table.offset(b) + DIM]).isZero();
    assertThat(table.idAt(a)).isEqualTo("a");
    assertThat(table.size()).isEqualTo(2);
    assertThatThrownBy(() -> table.insert("a", new float[DIM], 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void whenFullTheLeastRecentlyUsedRowIsEvictedAndItsSlotReused() {
    IdTable table = new IdTable(DIM, 3);
    List<String> evicted = new ArrayList<>();
    table.setEvictionListener((slot, id) -> evicted.add(id + "@" + slot));
    int a = table.insert("a", new float[DIM], 0);
    table.insert("b", new float[DIM], 0);
    table.insert("c", new float[DIM], 0);
    table.touch(a); // b is now the least recently used

    int d = table.insert("d", new float[] {7, 7, 7}, 0);

    assertThat(evicted).containsExactly("b@1");
    assertThat(d).isEqualTo(1);
    assertThat(table.slotOf("b")).isEqualTo(-1);
    assertThat(table.slotOf("a")).isEqualTo(a);
    assertThat(table.size()).isEqualTo(3);
    assertThat(table.evictedRows()).isEqualTo(1);
    assertThat(table.recencyOrder()).containsExactly(d, a, 2);
    assertThat(weights(table, d)).containsExactly(7, 7, 7);
  }

  @Test
  void growsAcrossChunks() {
    int rows = RowStore.ROWS_PER_CHUNK * 2 + 5;
    IdTable table = new IdTable(DIM, rows);
    for (int i = 0; i < rows; i++) {
      table.insert("id" + i, new float[] {i, -i, 0.5f}, 0);
    }
    assertThat(weights(table, table.slotOf("id" + (rows - 1))))
        .containsExactly(rows - 1, -(rows - 1), 0.5f);
    assertThat(weights(table, table.slotOf("id" + RowStore.ROWS_PER_CHUNK)))
        .containsExactly(RowStore.ROWS_PER_CHUNK, -RowStore.ROWS_PER_CHUNK, 0.5f);
    assertThat(table.evictedRows()).isZero();
  }

  @Test
  void snapshotKeepsIdsRowsAccumulatorsAndRecency() {
    IdTable table = new IdTable(DIM, 3);
    table.insert("a", new float[] {1, 2, 3}, 0);
    table.insert("b", new float[] {4, 5, 6}, 0);
    table.insert("c", new float[] {7, 8, 9}, 0);
    table.touch(table.slotOf("a"));
    table.chunk(0)[table.offset(0) + DIM] = 0.25f; // an Adagrad accumulator
    table.insert("d", new float[DIM], 0); // evicts b

    SnapshotWriter out = new SnapshotWriter();
    table.writeTo(out);
    byte[] bytes = out.toByteArrayWithChecksum();
    IdTable copy =
        IdTable.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), DIM, 3, "test");

    assertThat(copy.size()).isEqualTo(3);
    assertThat(copy.evictedRows()).isEqualTo(1);
    assertThat(copy.recencyOrder()).containsExactly(table.recencyOrder());
    assertThat(weights(copy, copy.slotOf("c"))).containsExactly(7, 8, 9);
    assertThat(copy.chunk(0)[copy.offset(0) + DIM]).isEqualTo(0.25f);
    // The same next eviction: c is least recently used in both.
    copy.insert("e", new float[DIM], 0);
    assertThat(copy.slotOf("c")).isEqualTo(-1);
    assertThatThrownBy(
            () -> IdTable.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), DIM, 2, "user"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max-rows-per-table");
  }

  private static float[] weights(IdTable table, int slot) {
    float[] w = new float[DIM];
    table.copyWeights(slot, w, 0);
    return w;
  }

  @Test
  void rowsInactiveLongerThanTheTtlExpireTheListenerHearsAndTheLowestFreeSlotIsReusedFirst() {
    IdTable table = new IdTable(DIM, 10);
    List<String> evicted = new ArrayList<>();
    table.setEvictionListener((slot, id) -> evicted.add(id + "@" + slot));
    table.setClock(0);
    int a = table.insert("a", new float[DIM], 0);
    int b = table.insert("b", new float[DIM], 0);
    int c = table.insert("c", new float[DIM], 0);
    table.setClock(5);
    table.markActive(c);
    table.touch(a); // a use as a negative: recency, not activity

    table.setClock(11);
    assertThat(table.expireIdle(10)).isEqualTo(2);
    assertThat(evicted).containsExactlyInAnyOrder("a@" + a, "b@" + b);
    assertThat(table.slotOf("a")).isEqualTo(-1);
    assertThat(table.isLive(a)).isFalse();
    assertThat(table.liveRows()).isEqualTo(1);
    assertThat(table.size()).as("slots stay addressable").isEqualTo(3);
    assertThat(table.expiredRows()).isEqualTo(2);
    assertThat(table.insert("d", new float[DIM], 0)).isEqualTo(Math.min(a, b));

    SnapshotWriter out = new SnapshotWriter();
    table.writeTo(out);
    table.writeExtrasTo(out);
    byte[] bytes = out.toByteArrayWithChecksum();
    SnapshotReader in = SnapshotReader.over(bytes, 0, bytes.length - 8);
    IdTable copy = IdTable.readFrom(in, DIM, 10, "test");
    copy.readExtrasFrom(in);
    assertThat(copy.liveRows()).isEqualTo(2);
    assertThat(copy.insert("e", new float[DIM], 0))
        .as("the free slot survives the snapshot")
        .isEqualTo(Math.max(a, b));
  }
}

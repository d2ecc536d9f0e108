package io.towerstream.model.history;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UserHistoriesTest {

  @Test
  void keepsTheNewestItemsOldestFirst() {
    UserHistories h = new UserHistories(3);
    for (String item : List.of("a", "b", "c", "d", "e")) {
      h.add(2, item);
    }
    h.add(0, "x");
    assertThat(items(h, 2)).containsExactly("c", "d", "e");
    assertThat(items(h, 0)).containsExactly("x");
    assertThat(items(h, 1)).isEmpty();
    assertThat(items(h, 99)).isEmpty();
  }

  @Test
  void clearingASlotForgetsItsUser() {
    UserHistories h = new UserHistories(2);
    h.add(0, "a");
    h.clear(0);
    assertThat(h.size(0)).isZero();
    h.add(0, "b");
    assertThat(items(h, 0)).containsExactly("b");
  }

  @Test
  void zeroCapacityHoldsNothing() {
    UserHistories h = new UserHistories(0);
    h.add(0, "a");
    assertThat(h.size(0)).isZero();
  }

  @Test
  void snapshotRoundTripsAndAShorterConfiguredLengthKeepsTheNewest() {
    UserHistories h = new UserHistories(4);
    for (String item : List.of("a", "b", "c", "d", "e")) {
      h.add(1, item);
    }
    h.add(0, "z");
    SnapshotWriter out = new SnapshotWriter();
    h.writeTo(out, 3);
    byte[] bytes = out.toByteArrayWithChecksum();

    UserHistories same =
        UserHistories.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), 3, 4);
    assertThat(items(same, 1)).containsExactly("b", "c", "d", "e");
    assertThat(items(same, 0)).containsExactly("z");
    UserHistories shorter =
        UserHistories.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), 3, 2);
    assertThat(items(shorter, 1)).containsExactly("d", "e");
  }

  private static List<String> items(UserHistories h, int slot) {
    List<String> out = new ArrayList<>();
    h.copyTo(slot, out);
    return out;
  }
}

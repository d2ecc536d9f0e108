package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.history.UserHistories;
import io.towerstream.model.tables.BatchLookup;
import io.towerstream.model.tables.IdTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves each row's history for the pooled user tower: the user's stored recent items, then the
 * user's earlier rows of this batch (never the row's own item, which would leak the answer), the
 * newest {@code historyLength} of them. Items without a row (evicted, or new in this very batch)
 * are left out. Reads only; the positions go into a {@link BatchLookup} over the item table.
 */
final class HistoryPlanner {
  private final IdTable users;
  private final IdTable items;
  private final UserHistories histories;
  private final int length;

  HistoryPlanner(IdTable users, IdTable items, UserHistories histories, int length) {
    this.users = users;
    this.items = items;
    this.histories = histories;
    this.length = length;
  }

  /**
   * Fills {@code pooled} (cleared first) with every row's history positions.
   *
   * @return offsets of each row's pooled positions, length {@code rows + 1}
   */
  int[] plan(List<Interaction> batch, BatchLookup pooled) {
    pooled.clear();
    int rows = batch.size();
    int[] offsets = new int[rows + 1];
    if (length == 0) {
      return offsets;
    }
    Map<String, List<String>> earlierInBatch = new HashMap<>();
    List<String> history = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      Interaction x = batch.get(i);
      history.clear();
      int userSlot = users.slotOf(x.userId());
      if (userSlot >= 0) {
        histories.copyTo(userSlot, history);
      }
      List<String> earlier = earlierInBatch.computeIfAbsent(x.userId(), u -> new ArrayList<>());
      history.addAll(earlier);
      for (int k = Math.max(0, history.size() - length); k < history.size(); k++) {
        int slot = items.slotOf(history.get(k));
        if (slot >= 0) {
          pooled.addExisting(slot);
        }
      }
      offsets[i + 1] = pooled.positions();
      earlier.add(x.itemId());
    }
    return offsets;
  }
}

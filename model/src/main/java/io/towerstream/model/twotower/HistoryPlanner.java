package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.history.UserHistories;
import io.towerstream.model.random.SeededRandom;
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
    return plan(batch, pooled, null, null, false);
  }

  /**
   * As {@link #plan(List, BatchLookup)}, then {@code views.count()} augmented views of every row's
   * history after the rows: view 1 of rows 0..B−1, then view 2, and so on.
   *
   * @param views how views are drawn, or null for none
   * @param random draws the views; untouched without them
   * @param replayed the rows are earlier events trained again: each pools the user's stored history
   *     without the row's own item (which it already holds), and no row adds to another
   * @return offsets of each row's, then each view's, pooled positions, length {@code B·(1 + views)
   *     + 1}
   */
  int[] plan(
      List<Interaction> batch,
      BatchLookup pooled,
      Views views,
      SeededRandom random,
      boolean replayed) {
    pooled.clear();
    int rows = batch.size();
    int count = views == null ? 0 : views.count();
    int[] offsets = new int[rows * (1 + count) + 1];
    if (length == 0) {
      return offsets;
    }
    int[][] kept = new int[rows][];
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
      if (replayed) {
        history.removeIf(x.itemId()::equals);
      } else {
        history.addAll(earlier);
      }
      int[] slots = new int[Math.min(length, history.size())];
      int n = 0;
      for (int k = Math.max(0, history.size() - length); k < history.size(); k++) {
        int slot = items.slotOf(history.get(k));
        if (slot >= 0) {
          pooled.addExisting(slot);
          slots[n++] = slot;
        }
      }
      offsets[i + 1] = pooled.positions();
      kept[i] = java.util.Arrays.copyOf(slots, n);
      earlier.add(x.itemId());
    }
    for (int v = 0; v < count; v++) {
      for (int i = 0; i < rows; i++) {
        for (int slot : views.draw(kept[i], random)) {
          pooled.addExisting(slot);
        }
        int row = rows * (1 + v) + i;
        offsets[row + 1] = pooled.positions();
      }
    }
    return offsets;
  }

  /**
   * Augmented views of a history, oldest item first: a contiguous window of {@code ⌈crop · n⌉}
   * items at a random place, then each kept item dropped with probability {@code mask}, at least
   * one left. No reordering: mean pooling does not see the order.
   */
  record Views(int count, double mask, double crop) {
    int[] draw(int[] history, SeededRandom random) {
      int n = history.length;
      if (n == 0) {
        return history;
      }
      int window = Math.max(1, (int) Math.ceil(crop * n));
      int start = random.nextInt(n - window + 1);
      int[] out = new int[window];
      int m = 0;
      for (int k = start; k < start + window; k++) {
        if (random.nextDouble() >= mask) {
          out[m++] = history[k];
        }
      }
      if (m == 0) {
        out[m++] = history[start + random.nextInt(window)];
      }
      return java.util.Arrays.copyOf(out, m);
    }
  }
}

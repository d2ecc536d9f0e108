package io.towerstream.model.twotower;

import io.towerstream.model.EntityKind;
import io.towerstream.model.history.HistoryPooling;
import io.towerstream.model.history.RecencyWeights;
import io.towerstream.model.tables.IdTable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The towers' outputs for rows of the model's tables, as served: users pool their current history.
 */
final class TowerOutputs {
  private TowerOutputs() {}

  /**
   * Tower outputs of {@code slots[start..start+n)}, row-major; users pool their current history.
   */
  static float[] of(ModelState state, EntityKind kind, int[] slots, int start, int n) {
    IdTable table = kind == EntityKind.USER ? state.users : state.items;
    int dim = table.dim();
    float[] e = new float[n * dim];
    for (int r = 0; r < n; r++) {
      table.copyWeights(slots[start + r], e, r * dim);
    }
    if (kind == EntityKind.ITEM) {
      return state.itemTower.outputs(
          state.itemFeatures.size() == 0 ? e : withFeatures(state, e, slots, start, n), n, dim);
    }
    List<String> history = new ArrayList<>();
    int[] offsets = new int[n + 1];
    float[] pooled = new float[0];
    int positions = 0;
    for (int r = 0; r < n; r++) {
      history.clear();
      state.histories.copyTo(slots[start + r], history);
      if (pooled.length < (positions + history.size()) * dim) {
        pooled =
            Arrays.copyOf(pooled, Math.max(pooled.length * 2, (positions + history.size()) * dim));
      }
      for (String itemId : history) {
        int item = state.items.slotOf(itemId);
        if (item >= 0) {
          state.items.copyWeights(item, pooled, positions++ * dim);
        }
      }
      offsets[r + 1] = positions;
    }
    return state.userTower.outputs(
        HistoryPooling.forward(e, pooled, offsets, dim, state.recency()), n, dim);
  }

  /**
   * The item tower's inputs: each id row plus the mean of its side-feature token rows (tokens
   * without a row, evicted ones, are left out, as the training step stages them anew).
   */
  private static float[] withFeatures(ModelState state, float[] e, int[] slots, int start, int n) {
    int dim = state.config.dim();
    int[] offsets = new int[n + 1];
    float[] pooled = new float[0];
    int positions = 0;
    for (int r = 0; r < n; r++) {
      String[] tokens = state.itemFeatures.tokens(state.items.idAt(slots[start + r]));
      if (pooled.length < (positions + tokens.length) * dim) {
        pooled =
            Arrays.copyOf(pooled, Math.max(pooled.length * 2, (positions + tokens.length) * dim));
      }
      for (String token : tokens) {
        int slot = state.features.slotOf(token);
        if (slot >= 0) {
          state.features.copyWeights(slot, pooled, positions++ * dim);
        }
      }
      offsets[r + 1] = positions;
    }
    return HistoryPooling.forward(e, pooled, offsets, dim, RecencyWeights.MEAN);
  }
}

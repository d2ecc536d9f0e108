package io.towerstream.model.twotower;

import io.towerstream.model.features.ItemFeatureMap;
import io.towerstream.model.history.HistoryPooling;
import io.towerstream.model.history.RecencyWeights;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.tables.BatchLookup;
import io.towerstream.model.tables.RowInitializer;
import java.util.Arrays;

/**
 * One step's side-feature part of the item tower's input: each candidate column's token positions
 * (in a {@link BatchLookup} over the token table) and which columns leave their id row out (id
 * dropout). The input is {@code z_j = [e_j unless dropped] + mean_t f_t}, pooled as the user tower
 * pools history (the same linear map, so the same adjoint). {@link #NONE} when no item has
 * features: every method then passes the id rows through, at no cost.
 */
final class ItemFeatureInputs {
  static final ItemFeatureInputs NONE = new ItemFeatureInputs(null, null, null, 0);

  private final BatchLookup tokens;

  /** Offsets of each column's token positions, length {@code columns + 1}; null for none. */
  private final int[] offsets;

  /** Per column, whether its id row is left out this step; null when none is. */
  private final boolean[] idDropped;

  private final int dim;

  private ItemFeatureInputs(BatchLookup tokens, int[] offsets, boolean[] idDropped, int dim) {
    this.tokens = tokens;
    this.offsets = offsets;
    this.idDropped = idDropped;
    this.dim = dim;
  }

  /**
   * Plans the columns' tokens into {@code tokens} (cleared first) and draws the id dropout ({@code
   * dropout} per column with features, from {@code random}).
   *
   * @param items the step's candidate columns, one per position
   */
  static ItemFeatureInputs plan(
      BatchLookup tokens,
      ItemFeatureMap features,
      BatchLookup items,
      RowInitializer init,
      double dropout,
      SeededRandom random) {
    tokens.clear();
    if (features.size() == 0) {
      return NONE;
    }
    int columns = items.positions();
    int[] offsets = new int[columns + 1];
    for (int j = 0; j < columns; j++) {
      for (String token : features.tokens(items.distinctId(items.distinctOf(j)))) {
        tokens.add(token, init); // an evicted token starts again from its initial row
      }
      offsets[j + 1] = tokens.positions();
    }
    boolean[] dropped = null;
    if (dropout > 0) {
      dropped = new boolean[columns];
      for (int j = 0; j < columns; j++) {
        dropped[j] = offsets[j + 1] > offsets[j] && random.nextDouble() < dropout;
      }
    }
    return new ItemFeatureInputs(tokens, offsets, dropped, tokens.dim());
  }

  /** Whether this step pools any token rows (and must commit and update them). */
  boolean active() {
    return offsets != null;
  }

  /**
   * The item tower's inputs from the columns' id rows ({@code columns × dim}): dropped rows zeroed,
   * the mean token rows added. Modifies and returns {@code idRows}, or returns it as it is.
   */
  float[] inputs(float[] idRows) {
    if (idDropped != null) {
      for (int j = 0; j < idDropped.length; j++) {
        if (idDropped[j]) {
          Arrays.fill(idRows, j * dim, (j + 1) * dim, 0f);
        }
      }
    }
    if (offsets == null) {
      return idRows;
    }
    float[] tokenRows = new float[tokens.positions() * dim];
    tokens.gatherPositions(tokenRows);
    return HistoryPooling.forward(idRows, tokenRows, offsets, dim, RecencyWeights.MEAN);
  }

  /**
   * The inputs' gradient as the id rows get it: none where the id row was left out. Returns {@code
   * dInputs} itself, or a fresh array.
   */
  float[] idRowGradient(float[] dInputs) {
    if (idDropped == null) {
      return dInputs;
    }
    float[] d = dInputs.clone();
    for (int j = 0; j < idDropped.length; j++) {
      if (idDropped[j]) {
        Arrays.fill(d, j * dim, (j + 1) * dim, 0f);
      }
    }
    return d;
  }

  /** The gradient of each distinct token row, summed over its positions; null without tokens. */
  float[] tokenGradient(float[] dInputs) {
    return offsets == null
        ? null
        : HistoryPooling.backwardPooledByDistinct(
            dInputs,
            offsets,
            tokens.distinctIndices(),
            tokens.distinctCount(),
            dim,
            RecencyWeights.MEAN);
  }

  /** The squared norm of the per-position token gradients, for the clip; 0 without tokens. */
  double tokenSquaredNorm(float[] dInputs) {
    return offsets == null
        ? 0
        : HistoryPooling.pooledSquaredNorm(dInputs, offsets, dim, RecencyWeights.MEAN);
  }

  /**
   * The item slots whose id row takes an update: those left out at every position this step keep
   * still (−1), rather than drift on Adam's momentum with a zero gradient, so that id dropout
   * really hands those steps to the features.
   *
   * @param itemSlots per distinct item of {@code items}, its slot; returned as it is without
   *     dropout
   */
  int[] idRowSlots(int[] itemSlots, BatchLookup items) {
    if (idDropped == null) {
      return itemSlots;
    }
    boolean[] used = new boolean[itemSlots.length];
    for (int j = 0; j < idDropped.length; j++) {
      if (!idDropped[j]) {
        used[items.distinctOf(j)] = true;
      }
    }
    int[] slots = itemSlots.clone();
    for (int k = 0; k < slots.length; k++) {
      if (!used[k]) {
        slots[k] = -1;
      }
    }
    return slots;
  }
}

package io.towerstream.model.tables;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Resolves one batch's ids against an {@link IdTable} without changing the table, so that a step
 * whose gradients turn out non-finite can be dropped with nothing mutated. Ids the table lacks get
 * staged initial rows; {@link #commit()} inserts them (and refreshes recency) only once the step is
 * accepted.
 *
 * <p>A batch is a sequence of positions (one per occurrence); repeated ids share one distinct
 * index, so their gradients can be summed before a single optimizer update. Reusable: {@link
 * #clear()} between batches.
 */
public final class BatchLookup {
  private final IdTable table;
  private final int dim;
  private final Map<String, Integer> distinctById = new HashMap<>();
  private String[] distinctIds = new String[64];
  private int[] slotBefore = new int[64];
  private float[] staged = new float[0];
  private int[] distinctOfPosition = new int[64];
  private int positions;
  private int distinct;

  public BatchLookup(IdTable table) {
    this.table = table;
    this.dim = table.dim();
  }

  /** The row width of the table it resolves against. */
  public int dim() {
    return dim;
  }

  public void clear() {
    distinctById.clear();
    positions = 0;
    distinct = 0;
  }

  /**
   * Appends a position for {@code id}. A first-seen id absent from the table gets its initial
   * weights from {@code init}.
   *
   * @return the id's distinct index in this batch
   */
  public int add(String id, RowInitializer init) {
    Integer known = distinctById.get(id);
    int k;
    if (known != null) {
      k = known;
    } else {
      k = newDistinct(id, table.slotOf(id));
      if (slotBefore[k] < 0) {
        init.fill(id, staged, k * dim, dim);
      }
    }
    return addPosition(k);
  }

  /**
   * Appends a position for a row known to be in the table (a sampled negative), sparing the id
   * lookup.
   *
   * @return the row's distinct index in this batch
   */
  public int addExisting(int slot) {
    String id = table.idAt(slot);
    Integer known = distinctById.get(id);
    return addPosition(known != null ? known : newDistinct(id, slot));
  }

  private int newDistinct(String id, int slot) {
    int k = distinct++;
    ensureDistinctCapacity(distinct);
    distinctById.put(id, k);
    distinctIds[k] = id;
    slotBefore[k] = slot;
    return k;
  }

  private int addPosition(int k) {
    if (positions == distinctOfPosition.length) {
      distinctOfPosition = Arrays.copyOf(distinctOfPosition, positions * 2);
    }
    distinctOfPosition[positions++] = k;
    return k;
  }

  public int positions() {
    return positions;
  }

  public int distinctCount() {
    return distinct;
  }

  public int distinctOf(int position) {
    return distinctOfPosition[position];
  }

  /** The distinct index of every position, a copy of length {@link #positions()}. */
  public int[] distinctIndices() {
    return Arrays.copyOf(distinctOfPosition, positions);
  }

  public String distinctId(int k) {
    return distinctIds[k];
  }

  /** The row's slot before commit, or -1 for an id that is new in this batch. */
  public int slotBefore(int k) {
    return slotBefore[k];
  }

  /**
   * Writes the current weights of every position, row after row, into {@code dst} (positions ×
   * dim).
   */
  public void gatherPositions(float[] dst) {
    for (int p = 0; p < positions; p++) {
      int k = distinctOfPosition[p];
      int slot = slotBefore[k];
      if (slot >= 0) {
        table.copyWeights(slot, dst, p * dim);
      } else {
        System.arraycopy(staged, k * dim, dst, p * dim, dim);
      }
    }
  }

  /**
   * Makes the batch's rows the most recently used and inserts the new ones with their staged
   * weights.
   *
   * @return per distinct index, the row's slot after commit, or -1 when inserting this batch's new
   *     rows evicted it (only possible when the table is smaller than the batch's distinct ids)
   */
  public int[] commit() {
    for (int k = 0; k < distinct; k++) {
      if (slotBefore[k] >= 0) {
        table.touch(slotBefore[k]);
      }
    }
    int[] slots = new int[distinct];
    for (int k = 0; k < distinct; k++) {
      slots[k] = slotBefore[k] >= 0 ? slotBefore[k] : table.insert(distinctIds[k], staged, k * dim);
    }
    if (distinct > table.maxRows()) {
      // Only then can an insert evict a row of this very batch (all of them are more recent than
      // any other row). Resolve by id: an evicted row's slot may already hold another id.
      for (int k = 0; k < distinct; k++) {
        slots[k] = table.slotOf(distinctIds[k]);
      }
    }
    return slots;
  }

  private void ensureDistinctCapacity(int n) {
    if (n > distinctIds.length) {
      int grown = Math.max(n, distinctIds.length * 2);
      distinctIds = Arrays.copyOf(distinctIds, grown);
      slotBefore = Arrays.copyOf(slotBefore, grown);
    }
    if (n * dim > staged.length) {
      staged = Arrays.copyOf(staged, Math.max(n, distinctIds.length) * dim);
    }
  }
}

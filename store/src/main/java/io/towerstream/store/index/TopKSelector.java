package io.towerstream.store.index;

/**
 * Keeps the best {@code k} (slot, score) pairs seen, in a bounded min-heap of primitives, so a scan
 * over a million items allocates nothing per item. Equal scores are ordered by the item id, so
 * results do not depend on slot order (which differs between replicas after a restart).
 */
final class TopKSelector {
  private final int k;
  private final String[] ids;
  private final float[] biases;
  private final int[] slots;
  private final float[] scores;
  private int size;

  /**
   * @param ids the slot → id table, read only when scores tie
   * @param biases the slot → bias table, read only to report each selected item's bias
   */
  TopKSelector(int k, String[] ids, float[] biases) {
    this.k = k;
    this.ids = ids;
    this.biases = biases;
    this.slots = new int[k];
    this.scores = new float[k];
  }

  /**
   * Whether a candidate with this score could enter; a cheap pre-check before exclusion look-ups.
   */
  boolean admits(float score) {
    return size < k || score >= scores[0];
  }

  void offer(int slot, float score) {
    if (size < k) {
      slots[size] = slot;
      scores[size] = score;
      siftUp(size++);
    } else if (worse(slots[0], scores[0], slot, score)) {
      slots[0] = slot;
      scores[0] = score;
      siftDown(0);
    }
  }

  /** The selected items, best first; empties the selector. */
  ScoredItem[] drainBestFirst() {
    ScoredItem[] out = new ScoredItem[size];
    for (int i = size - 1; i >= 0; i--) {
      out[i] = new ScoredItem(ids[slots[0]], scores[0], biases[slots[0]]);
      size--;
      slots[0] = slots[size];
      scores[0] = scores[size];
      siftDown(0);
    }
    return out;
  }

  /**
   * Whether (slotA, a) ranks below (slotB, b): a lower score, or an equal score and a larger id.
   */
  private boolean worse(int slotA, float a, int slotB, float b) {
    if (a != b) {
      return a < b;
    }
    return ids[slotA].compareTo(ids[slotB]) > 0;
  }

  private void siftUp(int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(slots[i], scores[i], slots[parent], scores[parent])) {
        return;
      }
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int right = left + 1;
      int worst =
          right < size && worse(slots[right], scores[right], slots[left], scores[left])
              ? right
              : left;
      if (!worse(slots[worst], scores[worst], slots[i], scores[i])) {
        return;
      }
      swap(i, worst);
      i = worst;
    }
  }

  private void swap(int a, int b) {
    int s = slots[a];
    slots[a] = slots[b];
    slots[b] = s;
    float f = scores[a];
    scores[a] = scores[b];
    scores[b] = f;
  }
}

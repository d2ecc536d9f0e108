package io.towerstream.model.sampling;

import io.towerstream.model.random.Draws;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import io.towerstream.model.tables.LruOrder;
import java.util.Arrays;

/**
 * A bounded set of distinct recently seen items with their stream counts, from which extra
 * negatives are drawn (the "mixed negative sampling" of Yang et al., WWW 2020: in-batch negatives
 * alone under-sample the long tail). When full, observing a new item evicts the least recently seen
 * one.
 *
 * <p>Draws are with replacement, item {@code j} with probability {@code p_j = c_j^α / Σ_k c_k^α}
 * ({@code α = 0}: uniform over the distinct items whatever their counts; {@code α = 1}:
 * proportional to counts). The exact {@code p_j} of every draw is reported so the loss can correct
 * for it. A cumulative array is rebuilt at most once per batch (only after the contents changed)
 * and each draw is a binary search: O(n + M log n) per batch. Items are small non-negative ints
 * (the model uses item-table slots), so the item → entry index is a plain array rather than a boxed
 * hash map. Not thread-safe.
 */
public final class NegativeReservoir {
  private final int capacity;
  private final double alpha;
  private int[] entryOfItem =
      new int[0]; // indexed by item, -1 when absent: items are dense table slots
  private int size;
  private final int[] itemOf;
  private final long[] count; // 0 marks a free entry
  private final double[] weight; // c^α, 0 for a free entry so a draw never lands on it
  private final double[] cumulative;
  private final int[] freeEntries;
  private int freeCount;
  private int highWater; // entries [0, highWater) have been used
  private LruOrder recency = new LruOrder();
  private boolean cumulativeStale = true;

  public NegativeReservoir(int capacity, double alpha) {
    if (capacity < 0 || !(alpha >= 0 && alpha <= 1)) {
      throw new IllegalArgumentException(
          "capacity must be ≥ 0 and alpha in [0, 1], were " + capacity + ", " + alpha);
    }
    this.capacity = capacity;
    this.alpha = alpha;
    this.itemOf = new int[capacity];
    this.count = new long[capacity];
    this.weight = new double[capacity];
    this.cumulative = new double[capacity];
    this.freeEntries = new int[capacity];
  }

  /** Distinct items held. */
  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public boolean contains(int item) {
    return entryOf(item) >= 0;
  }

  /** The stream count of {@code item} since it last entered the reservoir, 0 when absent. */
  public long count(int item) {
    int e = entryOf(item);
    return e < 0 ? 0 : count[e];
  }

  /**
   * Records one occurrence of {@code item}: count + 1 and most recently seen, evicting if needed.
   */
  public void observe(int item) {
    if (capacity == 0) {
      return;
    }
    int e = entryOf(item);
    if (e >= 0) {
      count[e]++;
      recency.touch(e);
    } else {
      if (freeCount > 0) {
        e = freeEntries[--freeCount];
      } else if (highWater < capacity) {
        e = highWater++;
      } else {
        e = recency.last(); // least recently seen
        recency.remove(e);
        entryOfItem[itemOf[e]] = -1;
        size--;
      }
      itemOf[e] = item;
      count[e] = 1;
      setEntry(item, e);
      size++;
      recency.addFirst(e);
    }
    weight[e] = Math.pow(count[e], alpha);
    cumulativeStale = true;
  }

  /** Removes {@code item} if present (its table row was evicted). */
  public void remove(int item) {
    int e = entryOf(item);
    if (e < 0) {
      return;
    }
    entryOfItem[item] = -1;
    size--;
    recency.remove(e);
    count[e] = 0;
    weight[e] = 0;
    freeEntries[freeCount++] = e;
    cumulativeStale = true;
  }

  /**
   * The exact probability that one draw returns {@code item} under the current contents; 0 when
   * absent.
   */
  public double probability(int item) {
    int e = entryOf(item);
    return e < 0 ? 0 : weight[e] / total();
  }

  /**
   * Draws {@code m} items with replacement into {@code items[0..m)}, with each draw's probability
   * in {@code probabilities[0..m)}. Advances {@code random}; does not change the contents. Requires
   * a non-empty reservoir.
   */
  public void draw(SeededRandom random, int m, int[] items, double[] probabilities) {
    if (size() == 0) {
      throw new IllegalStateException("cannot draw from an empty reservoir");
    }
    double total = total();
    for (int d = 0; d < m; d++) {
      int e = search(random.nextDouble() * total);
      items[d] = itemOf[e];
      probabilities[d] = weight[e] / total;
    }
  }

  /** Items from most to least recently seen (for tests and diagnostics). */
  public int[] itemsByRecency() {
    int[] entries = recency.toArray();
    int[] items = new int[entries.length];
    for (int i = 0; i < entries.length; i++) {
      items[i] = itemOf[entries[i]];
    }
    return items;
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(capacity).writeInt(highWater);
    out.writeInts(itemOf, 0, highWater).writeLongs(count, 0, highWater);
    out.writeInt(freeCount).writeInts(freeEntries, 0, freeCount);
    recency.writeTo(out);
  }

  /** Reads a reservoir; the configured capacity must hold the stored entries. */
  public static NegativeReservoir readFrom(SnapshotReader in, int capacity, double alpha) {
    in.readInt(); // capacity at snapshot time
    int highWater = in.readLength(12);
    if (highWater > capacity) {
      throw new IllegalArgumentException(
          "model snapshot's reservoir has "
              + highWater
              + " entries but model.reservoir.capacity is "
              + capacity);
    }
    NegativeReservoir r = new NegativeReservoir(capacity, alpha);
    r.highWater = highWater;
    in.readInts(r.itemOf, 0, highWater);
    in.readLongs(r.count, 0, highWater);
    r.freeCount = in.readLength(4);
    SnapshotReader.check(r.freeCount <= highWater, "reservoir free list longer than its entries");
    in.readInts(r.freeEntries, 0, r.freeCount);
    r.recency = LruOrder.readFrom(in, highWater);
    for (int e : r.recency.toArray()) {
      int item = r.itemOf[e];
      SnapshotReader.check(r.count[e] > 0 && item >= 0 && !r.contains(item), "bad reservoir entry");
      r.setEntry(item, e);
      r.size++;
      r.weight[e] = Math.pow(r.count[e], alpha);
    }
    SnapshotReader.check(r.size + r.freeCount == highWater, "reservoir entries inconsistent");
    return r;
  }

  private int entryOf(int item) {
    if (item < 0) {
      throw new IllegalArgumentException("reservoir items are non-negative, got " + item);
    }
    return item < entryOfItem.length ? entryOfItem[item] : -1;
  }

  private void setEntry(int item, int entry) {
    if (item >= entryOfItem.length) {
      int old = entryOfItem.length;
      entryOfItem = Arrays.copyOf(entryOfItem, Math.max(item + 1, Math.max(64, old * 2)));
      Arrays.fill(entryOfItem, old, entryOfItem.length, -1);
    }
    entryOfItem[item] = entry;
  }

  private double total() {
    if (cumulativeStale) {
      double sum = 0;
      for (int e = 0; e < highWater; e++) {
        sum += weight[e];
        cumulative[e] = sum;
      }
      cumulativeStale = false;
    }
    return cumulative[highWater - 1];
  }

  /**
   * The first entry whose cumulative weight exceeds {@code u}; zero-weight (free) entries are never
   * chosen.
   */
  private int search(double u) {
    int lo = Draws.firstAbove(cumulative, highWater, u);
    while (weight[lo] == 0 && lo > 0) {
      lo--; // u rounded up to the total and landed past the last used entry
    }
    return lo;
  }
}

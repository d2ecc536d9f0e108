package io.towerstream.model.tables;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * Recency order over dense slots {@code 0..n-1} as an intrusive doubly linked list in two int
 * arrays: touch, insert and evict in O(1) with no per-entry objects.
 */
public final class LruOrder {
  private static final int NONE = -1;
  private int[] prev = new int[0];
  private int[] next = new int[0];
  private int head = NONE; // most recently used
  private int tail = NONE; // least recently used
  private int size;

  public int size() {
    return size;
  }

  /** Adds a slot not in the list as the most recently used. */
  public void addFirst(int slot) {
    ensureCapacity(slot + 1);
    prev[slot] = NONE;
    next[slot] = head;
    if (head != NONE) {
      prev[head] = slot;
    } else {
      tail = slot;
    }
    head = slot;
    size++;
  }

  /** Marks a slot in the list as the most recently used. */
  public void touch(int slot) {
    if (slot == head) {
      return;
    }
    unlink(slot);
    addFirst(slot);
  }

  /** Removes a slot that is in the list. */
  public void remove(int slot) {
    unlink(slot);
  }

  /** The least recently used slot, or -1 when empty. */
  public int last() {
    return tail;
  }

  /** Slots from most to least recently used. */
  public int[] toArray() {
    int[] order = new int[size];
    int i = 0;
    for (int s = head; s != NONE; s = next[s]) {
      order[i++] = s;
    }
    return order;
  }

  public void writeTo(SnapshotWriter out) {
    int[] order = toArray();
    out.writeInt(order.length).writeInts(order, 0, order.length);
  }

  /** Rebuilds the order written by {@link #writeTo}; every slot must be below {@code slotBound}. */
  public static LruOrder readFrom(SnapshotReader in, int slotBound) {
    int n = in.readLength(4);
    int[] order = new int[n];
    in.readInts(order, 0, n);
    LruOrder lru = new LruOrder();
    lru.ensureCapacity(slotBound);
    boolean[] seen = new boolean[slotBound];
    // Appending each slot at the tail, in most-to-least recent order, reproduces the list exactly.
    for (int slot : order) {
      SnapshotReader.check(slot >= 0 && slot < slotBound && !seen[slot], "bad recency order");
      seen[slot] = true;
      lru.addLast(slot);
    }
    return lru;
  }

  private void addLast(int slot) {
    next[slot] = NONE;
    prev[slot] = tail;
    if (tail != NONE) {
      next[tail] = slot;
    } else {
      head = slot;
    }
    tail = slot;
    size++;
  }

  private void unlink(int slot) {
    int p = prev[slot];
    int n = next[slot];
    if (p != NONE) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n != NONE) {
      prev[n] = p;
    } else {
      tail = p;
    }
    size--;
  }

  private void ensureCapacity(int slots) {
    if (slots > prev.length) {
      int grown = Math.max(slots, Math.max(16, prev.length * 2));
      prev = Arrays.copyOf(prev, grown);
      next = Arrays.copyOf(next, grown);
    }
  }
}

package io.towerstream.model.history;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import java.util.List;

/**
 * Each user's most recent clicked item ids, at most {@code capacity}, addressed by the user's table
 * slot: the input of the history-pooling user tower. A bounded ring per user keeps memory at {@code
 * users × capacity} references whatever the stream's length; the ids are the item table's own
 * strings, so no copies are held. Not thread-safe.
 */
public final class UserHistories {
  private final int capacity;
  private String[][] rings = new String[16][];
  private int[] next = new int[16];
  private int[] counts = new int[16];

  public UserHistories(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("history capacity must be non-negative, was " + capacity);
    }
    this.capacity = capacity;
  }

  public int capacity() {
    return capacity;
  }

  /** Items held for the user in {@code slot}. */
  public int size(int slot) {
    return slot < counts.length ? counts[slot] : 0;
  }

  /** Appends the user's items, oldest first, to {@code out}. Does not modify the history. */
  public void copyTo(int slot, List<String> out) {
    int n = size(slot);
    if (n == 0) {
      return;
    }
    String[] ring = rings[slot];
    int start = (next[slot] - n + capacity) % capacity;
    for (int k = 0; k < n; k++) {
      out.add(ring[(start + k) % capacity]);
    }
  }

  /**
   * Records a click of the user in {@code slot}; the oldest item falls out once the ring is full.
   */
  public void add(int slot, String itemId) {
    if (capacity == 0) {
      return;
    }
    ensureSlot(slot);
    if (rings[slot] == null) {
      rings[slot] = new String[capacity];
    }
    rings[slot][next[slot]] = itemId;
    next[slot] = (next[slot] + 1) % capacity;
    counts[slot] = Math.min(capacity, counts[slot] + 1);
  }

  /** Forgets a user's history: their row was evicted and the slot will belong to someone else. */
  public void clear(int slot) {
    if (slot < counts.length) {
      rings[slot] = null;
      next[slot] = 0;
      counts[slot] = 0;
    }
  }

  /** Writes the histories of slots {@code 0..users-1}, oldest item first. */
  public void writeTo(SnapshotWriter out, int users) {
    out.writeInt(capacity);
    java.util.ArrayList<String> items = new java.util.ArrayList<>(capacity);
    for (int slot = 0; slot < users; slot++) {
      items.clear();
      copyTo(slot, items);
      out.writeInt(items.size());
      for (String id : items) {
        out.writeString(id);
      }
    }
  }

  /**
   * Reads histories written by {@link #writeTo}. A snapshot taken with a longer history keeps each
   * user's newest {@code capacity} items.
   */
  public static UserHistories readFrom(SnapshotReader in, int users, int capacity) {
    in.readInt(); // the capacity at snapshot time; the configured one wins
    UserHistories h = new UserHistories(capacity);
    for (int slot = 0; slot < users; slot++) {
      int n = in.readLength(4);
      for (int k = 0; k < n; k++) {
        String id = in.readString();
        if (n - k <= capacity) {
          h.add(slot, id);
        }
      }
    }
    return h;
  }

  private void ensureSlot(int slot) {
    if (slot >= counts.length) {
      int grown = Math.max(slot + 1, counts.length * 2);
      rings = Arrays.copyOf(rings, grown);
      next = Arrays.copyOf(next, grown);
      counts = Arrays.copyOf(counts, grown);
    }
  }
}

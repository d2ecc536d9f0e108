package io.towerstream.model.twotower;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;

/**
 * The rows of one table whose tower output changed since the last drain, in first-change order, or
 * "all rows" (a projection step changes every output). Slots of evicted rows are forgotten.
 */
final class ChangeTracker {
  /**
   * Trackers that see every mark and forget of this one (readers of the same changes, drained
   * apart).
   */
  private ChangeTracker[] followers = new ChangeTracker[0];

  private boolean[] pending = new boolean[0];
  private int[] order = new int[64];
  private int count;
  private boolean all;

  /**
   * {@code follower} gets every later mark, mark-all and forget of this tracker, and is drained on
   * its own.
   */
  void addFollower(ChangeTracker follower) {
    followers = java.util.Arrays.copyOf(followers, followers.length + 1);
    followers[followers.length - 1] = follower;
  }

  void mark(int slot) {
    for (ChangeTracker f : followers) {
      f.mark(slot);
    }
    markHere(slot);
  }

  /**
   * Marks the slot in this tracker only, not its followers: a change taken and put back, not a new
   * one.
   */
  void markHere(int slot) {
    if (slot >= pending.length) {
      pending = Arrays.copyOf(pending, Math.max(slot + 1, pending.length * 2));
    }
    if (!pending[slot]) {
      pending[slot] = true;
      if (count == order.length) {
        order = Arrays.copyOf(order, count * 2);
      }
      order[count++] = slot;
    }
  }

  /** Whether every row is pending. */
  boolean isAll() {
    return all;
  }

  /** Whether the slot is pending (marked, or every row is). */
  boolean isPending(int slot) {
    return all || (slot < pending.length && pending[slot]);
  }

  void markAll() {
    for (ChangeTracker f : followers) {
      f.markAll();
    }
    all = true;
  }

  /** The slot's row was evicted: nothing left to publish for it. */
  void forget(int slot) {
    for (ChangeTracker f : followers) {
      f.forget(slot);
    }
    if (slot < pending.length) {
      pending[slot] = false;
    }
  }

  /** Pending slots (all of {@code [0, tableSize)} after {@link #markAll}), then forgets them. */
  int[] take(int tableSize) {
    int[] slots;
    if (all) {
      slots = new int[tableSize];
      Arrays.setAll(slots, i -> i);
    } else {
      slots = pendingSlots();
    }
    Arrays.fill(pending, false);
    count = 0;
    all = false;
    return slots;
  }

  private int[] pendingSlots() {
    int[] slots = new int[count];
    int n = 0;
    for (int i = 0; i < count; i++) {
      int slot = order[i];
      // A slot forgotten and marked again is listed twice: clearing its flag on first emission
      // skips the second listing; the flags are set back afterwards.
      if (pending[slot]) {
        pending[slot] = false;
        slots[n++] = slot;
      }
    }
    for (int i = 0; i < n; i++) {
      pending[slots[i]] = true;
    }
    return Arrays.copyOf(slots, n);
  }

  void writeTo(SnapshotWriter out) {
    int[] slots = pendingSlots();
    out.writeBoolean(all).writeInt(slots.length).writeInts(slots, 0, slots.length);
  }

  static ChangeTracker readFrom(SnapshotReader in, int tableSize) {
    ChangeTracker t = new ChangeTracker();
    t.all = in.readBoolean();
    int n = in.readLength(4);
    int[] slots = new int[n];
    in.readInts(slots, 0, n);
    for (int slot : slots) {
      SnapshotReader.check(
          slot >= 0 && slot < tableSize, "pending change for a row that does not exist");
      t.mark(slot);
    }
    return t;
  }
}

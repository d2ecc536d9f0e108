package io.towerstream.model.replay;

import io.towerstream.model.Interaction;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The last {@code capacity} trained positives, a ring, from which experience replay draws
 * uniformly: on a sparse stream an item's few clicks are then learned from several times while they
 * are recent, instead of once. Memory is {@code capacity} interactions whatever the stream's
 * length. Not thread-safe.
 */
public final class ReplayBuffer {
  private final Interaction[] ring;
  private int next;
  private int size;

  public ReplayBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("replay capacity must be positive, was " + capacity);
    }
    this.ring = new Interaction[capacity];
  }

  public int capacity() {
    return ring.length;
  }

  public int size() {
    return size;
  }

  /** Appends {@code events}; the oldest fall out once the ring is full. */
  public void addAll(List<Interaction> events) {
    for (Interaction e : events) {
      ring[next] = e;
      next = (next + 1) % ring.length;
      size = Math.min(ring.length, size + 1);
    }
  }

  /**
   * {@code count} positives drawn uniformly with replacement (none while empty). Advances {@code
   * random} by {@code count} draws. Returns a fresh list.
   */
  public List<Interaction> draw(int count, SeededRandom random) {
    List<Interaction> out = new ArrayList<>(size == 0 ? 0 : count);
    for (int k = 0; k < count && size > 0; k++) {
      int age = random.nextInt(size);
      out.add(ring[Math.floorMod(next - 1 - age, ring.length)]);
    }
    return out;
  }

  /** The positives held, oldest first. Returns a fresh list. */
  public List<Interaction> contents() {
    List<Interaction> out = new ArrayList<>(size);
    for (int k = size; k >= 1; k--) {
      out.add(ring[Math.floorMod(next - k, ring.length)]);
    }
    return out;
  }

  /** Writes the positives held, oldest first, with their weights and event times. */
  public void writeTo(SnapshotWriter out) {
    List<Interaction> held = contents();
    out.writeInt(held.size());
    for (Interaction e : held) {
      out.writeString(e.userId())
          .writeString(e.itemId())
          .writeFloat(e.weight())
          .writeLong(e.eventTimeMillis());
    }
  }

  /**
   * Reads what {@link #writeTo} wrote into a buffer of {@code capacity}, which keeps the newest
   * that fit.
   */
  public static ReplayBuffer readFrom(SnapshotReader in, int capacity) {
    ReplayBuffer b = new ReplayBuffer(capacity);
    int n = in.readLength(10);
    List<Interaction> held = new ArrayList<>(Math.min(n, capacity));
    for (int k = 0; k < n; k++) {
      String user = in.readString();
      String item = in.readString();
      float weight = in.readFloat();
      long time = in.readLong();
      try {
        held.add(new Interaction(user, item, weight, time));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "replay buffer holds a corrupt positive: " + e.getMessage(), e);
      }
    }
    b.addAll(held);
    return b;
  }
}

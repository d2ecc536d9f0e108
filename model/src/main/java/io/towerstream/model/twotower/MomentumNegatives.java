package io.towerstream.model.twotower;

import io.towerstream.model.loss.MomentumEncoder;
import io.towerstream.model.loss.MomentumQueue;
import io.towerstream.model.loss.QueuedNegatives;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.HashSet;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The MoCo queue of the model (He et al. 2020): after each accepted step the batch's positive
 * items' new outputs move their momentum averages, which are enqueued; the next steps score every
 * row against the queue as constant negatives. Keys are item table slots, stable across steps as
 * long as the row lives, which is why an evicted row's entries must go: {@link #forget} is called
 * from the item table's eviction listener.
 */
final class MomentumNegatives {
  private final MomentumQueue queue;
  private final MomentumEncoder encoder;

  /**
   * Slots evicted since the last {@link #flushEvictions}: the queue drops them in one pass per
   * step, since a removal copies the whole queue and a full table evicts a row per new item.
   */
  private final Set<Integer> evicted = new HashSet<>();

  private MomentumNegatives(MomentumQueue queue, MomentumEncoder encoder) {
    this.queue = queue;
    this.encoder = encoder;
  }

  MomentumNegatives(int capacity, double momentum, int dim) {
    this(new MomentumQueue(capacity, dim), new MomentumEncoder(momentum, dim));
  }

  int size() {
    return queue.size();
  }

  /** The queued item slots, oldest first. */
  int[] keys() {
    return queue.keys();
  }

  /**
   * The queue as the step's constant negatives (null when empty), with {@code logQ} per entry or
   * null.
   */
  QueuedNegatives negatives(double[] logQ) {
    return queue.asNegatives(DataType.FLOAT, logQ);
  }

  /**
   * The item in {@code slot} was evicted: its average goes now, its queue entries at the next
   * flush.
   */
  void forget(int slot) {
    encoder.remove(slot);
    evicted.add(slot);
  }

  /**
   * Drops the queue entries of rows evicted since the last call; before enqueueing reused slots.
   */
  void flushEvictions() {
    if (!evicted.isEmpty()) {
      queue.removeIf(evicted::contains);
      evicted.clear();
    }
  }

  /**
   * Moves each item's average toward its new output ({@code outputs[k·dim..]}, item {@code
   * slots[k]}) and enqueues the normalised average. Mutates this only.
   */
  void enqueue(int[] slots, float[] outputs, int dim) {
    float[] normalised = new float[dim];
    for (int k = 0; k < slots.length; k++) {
      encoder.update(slots[k], outputs, k * dim, normalised, 0);
      queue.enqueue(slots[k], normalised, 0);
    }
  }

  void writeTo(SnapshotWriter out) {
    queue.write(out);
    encoder.write(out);
  }

  /** Reads what {@link #writeTo} wrote, with the configured capacity and momentum. */
  static MomentumNegatives readFrom(SnapshotReader in, int capacity, double momentum, int dim) {
    return new MomentumNegatives(
        MomentumQueue.read(in, capacity, dim), MomentumEncoder.read(in, momentum, dim));
  }
}

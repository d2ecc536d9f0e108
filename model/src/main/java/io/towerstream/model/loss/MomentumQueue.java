package io.towerstream.model.loss;

import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * MoCo's queue (He et al., CVPR 2020): the {@code K} most recent item vectors from a momentum
 * encoder, with their item keys, used as extra negative columns that get no gradient ({@link
 * #asNegatives}). A FIFO ring of plain floats, so enqueueing a batch is a Java copy, and the loss
 * gets the whole queue as one matrix per step.
 *
 * <p>Keys must identify an item across steps (e.g. its table slot, not a batch-local index) so that
 * a queued copy of a row's positive is recognised; when a slot is reused for another item, {@link
 * #remove} its entries. Not thread-safe; one owner, like the model.
 */
public final class MomentumQueue {
  /** Version of this queue's own section in a snapshot. */
  public static final int FORMAT_VERSION = 1;

  private final int capacity;
  private final int dim;
  private final float[] vectors;
  private final int[] keys;

  /** Index of the oldest entry. */
  private int oldest;

  private int size;

  /** An empty queue of at most {@code capacity} vectors of {@code dim} floats. */
  public MomentumQueue(int capacity, int dim) {
    if (capacity < 1 || dim < 1 || (long) capacity * dim > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException(
          "queue capacity and dim must be ≥ 1 and fit one array, were " + capacity + " × " + dim);
    }
    this.capacity = capacity;
    this.dim = dim;
    this.vectors = new float[capacity * dim];
    this.keys = new int[capacity];
  }

  /**
   * Appends a copy of {@code vector[offset, offset + dim)} under {@code key}, dropping the oldest
   * when full.
   */
  public void enqueue(int key, float[] vector, int offset) {
    int slot = (oldest + size) % capacity;
    if (size == capacity) {
      oldest = (oldest + 1) % capacity;
    } else {
      size++;
    }
    keys[slot] = key;
    System.arraycopy(vector, offset, vectors, slot * dim, dim);
  }

  /**
   * Drops every entry with {@code key}, keeping the others in order; returns how many were dropped.
   */
  public int remove(int key) {
    return removeIf(k -> k == key);
  }

  /**
   * Drops every entry whose key {@code drop} accepts, keeping the others in order, in one pass: a
   * table that evicts many rows per step clears them all at once; returns how many were dropped.
   */
  public int removeIf(java.util.function.IntPredicate drop) {
    int kept = 0;
    int[] keptKeys = new int[size];
    float[] keptVectors = new float[size * dim];
    for (int n = 0; n < size; n++) {
      int slot = (oldest + n) % capacity;
      if (!drop.test(keys[slot])) {
        keptKeys[kept] = keys[slot];
        System.arraycopy(vectors, slot * dim, keptVectors, kept * dim, dim);
        kept++;
      }
    }
    int dropped = size - kept;
    if (dropped > 0) {
      System.arraycopy(keptKeys, 0, keys, 0, kept);
      System.arraycopy(keptVectors, 0, vectors, 0, kept * dim);
      oldest = 0;
      size = kept;
    }
    return dropped;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return capacity;
  }

  public int dim() {
    return dim;
  }

  /** The keys, oldest first; a fresh array. */
  public int[] keys() {
    int[] out = new int[size];
    for (int n = 0; n < size; n++) {
      out[n] = keys[(oldest + n) % capacity];
    }
    return out;
  }

  /** The vectors, oldest first, as a fresh {@code size × dim} matrix of {@code type}. */
  public INDArray gather(DataType type) {
    return NdArrays.floatMatrix(oldestFirst(), size, dim).castTo(type);
  }

  /**
   * The queue as constant negatives for a loss, or null when empty.
   *
   * @param logQ per entry, oldest first, or null when the step uses no log-Q correction
   */
  public QueuedNegatives asNegatives(DataType type, double[] logQ) {
    if (size == 0) {
      return null;
    }
    INDArray q =
        logQ == null ? null : Nd4j.create(logQ, new long[] {size}, DataType.DOUBLE).castTo(type);
    return new QueuedNegatives(gather(type), q, keys());
  }

  /** Appends this queue, oldest first, to a snapshot. Does not modify the queue. */
  public void write(SnapshotWriter out) {
    out.writeInt(FORMAT_VERSION).writeInt(dim).writeInt(size);
    out.writeInts(keys(), 0, size);
    out.writeFloats(oldestFirst(), 0, size * dim);
  }

  /**
   * Reads what {@link #write} wrote into a queue of the configured capacity (a hyper-parameter, so
   * it comes from the caller, as on model restore); a smaller capacity keeps the newest entries.
   * The dim must match. A malformed section is an {@link IllegalArgumentException}.
   */
  public static MomentumQueue read(SnapshotReader in, int capacity, int dim) {
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "momentum queue format "
              + version
              + " is not supported (this build reads "
              + FORMAT_VERSION
              + ")");
    }
    int storedDim = in.readInt();
    if (storedDim != dim) {
      throw new IllegalArgumentException(
          "momentum queue snapshot has dim " + storedDim + ", configured " + dim);
    }
    int size = in.readLength(4 + 4 * dim);
    int[] keys = new int[size];
    float[] vectors = new float[size * dim];
    in.readInts(keys, 0, size);
    in.readFloats(vectors, 0, size * dim);
    MomentumQueue queue = new MomentumQueue(capacity, dim);
    for (int n = Math.max(0, size - capacity); n < size; n++) {
      queue.enqueue(keys[n], vectors, n * dim);
    }
    return queue;
  }

  private float[] oldestFirst() {
    float[] out = new float[size * dim];
    int first = Math.min(size, capacity - oldest); // the ring wraps at most once: two bulk copies
    System.arraycopy(vectors, oldest * dim, out, 0, first * dim);
    System.arraycopy(vectors, 0, out, first * dim, (size - first) * dim);
    return out;
  }

  @Override
  public String toString() {
    return "MomentumQueue["
        + size
        + "/"
        + capacity
        + " × "
        + dim
        + ", keys "
        + Arrays.toString(keys())
        + "]";
  }
}

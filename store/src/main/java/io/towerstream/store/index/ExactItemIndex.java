package io.towerstream.store.index;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.StampedLock;

/**
 * Brute-force retrieval: every query scores every item. Vectors live in fixed-size slabs of one contiguous
 * {@code float[]} each, <em>column-major</em> within a slab (component {@code j} of row {@code r} at
 * {@code j * SLAB_ROWS + r}), so scoring a slab is {@code scores[r] += slab[j * SLAB_ROWS + r] * q[j]} over
 * {@code r}: an element-wise loop streaming each slab once, where a row-major dot product is a float
 * reduction the JIT runs one lane at a time. Measured: the scan is then memory-bandwidth bound and about 2x
 * faster than row-major at 1M x 64; only fewer bytes per item (quantisation) would make it much faster.
 * Growing adds a slab and never copies the matrix; a removed item's slot is filled by the last row, so a
 * scan touches only live rows.
 *
 * <p>Readers share a {@link StampedLock} read lock for the scan; writers take the write lock for the few
 * microseconds a row copy takes. A query therefore never sees half a vector. Batch writes through {@link
 * #upsertAll} so a stream of updates does not queue behind each running scan once per item.
 */
public final class ExactItemIndex implements ItemIndex {
  static final int SLAB_ROWS = 1024;

  private final StampedLock lock = new StampedLock();
  private final Map<String, Integer> slotOf = new HashMap<>();
  private float[][] slabs = new float[0][];
  private String[] ids = new String[0];
  private int size;
  private int dim;

  @Override
  public void upsert(String id, float[] vector) {
    long stamp = lock.writeLock();
    try {
      put(id, vector);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public void upsertAll(Map<String, float[]> vectors) {
    if (vectors.isEmpty()) {
      return;
    }
    long stamp = lock.writeLock();
    try {
      // check every dimension first, so a bad vector leaves the index untouched
      int expected = size == 0 ? vectors.values().iterator().next().length : dim;
      vectors.forEach((id, v) -> checkDimension(id, v, expected));
      vectors.forEach(this::put);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public boolean remove(String id) {
    long stamp = lock.writeLock();
    try {
      Integer slot = slotOf.remove(id);
      if (slot == null) {
        return false;
      }
      int last = size - 1;
      if (slot != last) {
        float[] from = slabs[last / SLAB_ROWS];
        float[] to = slabs[slot / SLAB_ROWS];
        int fromRow = last % SLAB_ROWS;
        int toRow = slot % SLAB_ROWS;
        for (int j = 0; j < dim; j++) {
          to[j * SLAB_ROWS + toRow] = from[j * SLAB_ROWS + fromRow];
        }
        ids[slot] = ids[last];
        slotOf.put(ids[slot], slot);
      }
      ids[last] = null;
      size--;
      if (size == 0) {
        dim = 0; // an empty index accepts a new dimension (e.g. a new model generation in a fresh store)
        slabs = new float[0][];
      }
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  @Override
  public List<ScoredItem> topK(float[] query, int k, Set<String> exclude) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    long stamp = lock.readLock();
    try {
      if (size == 0) {
        return List.of();
      }
      if (query.length != dim) {
        throw new IllegalArgumentException("query has dimension " + query.length + ", items have " + dim);
      }
      float[] q = VectorMath.normalized(query);
      int[] excluded = excludedSlots(exclude);
      TopKSelector top = new TopKSelector(Math.min(k, size), ids);
      float[] scores = new float[SLAB_ROWS];
      for (int s = 0; s * SLAB_ROWS < size; s++) {
        int base = s * SLAB_ROWS;
        int rows = Math.min(SLAB_ROWS, size - base);
        scoreSlab(slabs[s], q, rows, scores);
        for (int r = 0; r < rows; r++) {
          float score = scores[r];
          if (top.admits(score) && (excluded.length == 0 || Arrays.binarySearch(excluded, base + r) < 0)) {
            top.offer(base + r, score);
          }
        }
      }
      return List.of(top.drainBestFirst());
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public int size() {
    long stamp = lock.readLock();
    try {
      return size;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  @Override
  public int dimension() {
    long stamp = lock.readLock();
    try {
      return dim;
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** {@code scores[r] = dot(row r, q)} for the first {@code rows} rows of a column-major slab. */
  private void scoreSlab(float[] slab, float[] q, int rows, float[] scores) {
    Arrays.fill(scores, 0, rows, 0f);
    for (int j = 0; j < dim; j++) {
      float qj = q[j];
      int column = j * SLAB_ROWS;
      for (int r = 0; r < rows; r++) {
        scores[r] += slab[column + r] * qj;
      }
    }
  }

  /** Caller holds the write lock. */
  private void put(String id, float[] vector) {
    if (size == 0) {
      checkDimension(id, vector, vector.length);
      dim = vector.length;
    } else {
      checkDimension(id, vector, dim);
    }
    Integer existing = slotOf.get(id);
    int slot;
    if (existing != null) {
      slot = existing;
    } else {
      slot = size;
      ensureCapacity(size + 1);
      ids[slot] = id;
      slotOf.put(id, slot);
      size++;
    }
    float[] unit = VectorMath.normalized(vector);
    float[] slab = slabs[slot / SLAB_ROWS];
    int row = slot % SLAB_ROWS;
    for (int j = 0; j < dim; j++) {
      slab[j * SLAB_ROWS + row] = unit[j];
    }
  }

  private static void checkDimension(String id, float[] vector, int expected) {
    if (vector.length == 0 || vector.length != expected) {
      throw new IllegalArgumentException("item " + id + " has dimension " + vector.length + ", index has " + expected);
    }
  }

  private void ensureCapacity(int rows) {
    int neededSlabs = (rows + SLAB_ROWS - 1) / SLAB_ROWS;
    if (neededSlabs > slabs.length) {
      slabs = Arrays.copyOf(slabs, Math.max(neededSlabs, slabs.length * 2));
    }
    // slabs fill in order, so only the last needed one can be missing
    if (slabs[neededSlabs - 1] == null) {
      slabs[neededSlabs - 1] = new float[SLAB_ROWS * dim];
    }
    if (rows > ids.length) {
      ids = Arrays.copyOf(ids, Math.max(rows, Math.max(16, ids.length * 2)));
    }
  }

  private int[] excludedSlots(Set<String> exclude) {
    if (exclude == null || exclude.isEmpty()) {
      return new int[0];
    }
    int[] slots = exclude.stream().map(slotOf::get).filter(s -> s != null).mapToInt(Integer::intValue).toArray();
    Arrays.sort(slots);
    return slots;
  }
}

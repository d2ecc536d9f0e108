package io.towerstream.store.index;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Brute-force retrieval: every query scores every item. Vectors live in fixed-size slabs of one
 * contiguous {@code float[]} each, <em>column-major</em> within a slab (component {@code j} of row
 * {@code r} at {@code j * SLAB_ROWS + r}), so scoring a slab is {@code scores[r] += slab[j *
 * SLAB_ROWS + r] * q[j]} over {@code r}: an element-wise loop streaming each slab once, where a
 * row-major dot product is a float reduction the JIT runs one lane at a time. Measured: the scan is
 * then memory-bandwidth bound and about 2x faster than row-major at 1M x 64; only fewer bytes per
 * item (quantisation) would make it much faster. Growing adds a slab and never copies the matrix; a
 * removed item's slot is filled by the last row, so a scan touches only live rows.
 *
 * <p>Readers share a read lock for the scan; writers take the write lock for the few microseconds a
 * row copy takes. A query therefore never sees half a vector. Batch writes through {@link #update}
 * so a stream of updates does not queue behind each running scan once per item.
 *
 * <p>{@link GraphItemIndex} uses one as its exact delta, through the package-private accessors
 * below.
 */
public final class ExactItemIndex implements ItemIndex {
  static final int SLAB_ROWS = 1024;

  // not a StampedLock: with queries back to back its readers overlap and can starve the writer for
  // seconds (measured: updates waited up to 5 s under 2 query threads); here new readers queue
  // behind a waiting writer, so an update waits at most for the queries already running
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private Map<String, Integer> slotOf = new HashMap<>();
  private float[][] slabs = new float[0][];
  private String[] ids = new String[0];
  private long[] versions = new long[0];
  private float[] biases = new float[0];
  private final Map<Long, Long> versionCounts = new HashMap<>();
  private int size;
  private int dim;

  @Override
  public void upsert(String id, float[] vector, long modelVersion, float bias) {
    lock.writeLock().lock();
    try {
      put(id, VectorMath.normalized(checked(id, vector)), modelVersion, bias);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void update(Collection<String> removes, Map<String, ItemVector> upserts) {
    if (removes.isEmpty() && upserts.isEmpty()) {
      return;
    }
    lock.writeLock().lock();
    try {
      // check every dimension first, so a bad vector leaves the index untouched
      long removed = removes.stream().distinct().filter(slotOf::containsKey).count();
      Dimensions.checkBatch(upserts, size - removed == 0, dim);
      removes.forEach(this::delete);
      upserts.forEach(
          (id, v) -> put(id, VectorMath.normalized(v.vector()), v.modelVersion(), v.bias()));
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public boolean remove(String id) {
    lock.writeLock().lock();
    try {
      return delete(id);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public List<ScoredItem> topK(
      float[] query, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    lock.readLock().lock();
    try {
      if (size == 0) {
        return List.of();
      }
      if (query.length != dim) {
        throw new IllegalArgumentException(
            "query has dimension " + query.length + ", items have " + dim);
      }
      return scan(VectorMath.normalized(query), k, exclude, modelVersion, scoring);
    } finally {
      lock.readLock().unlock();
    }
  }

  /** The exact top-k for an already normalised query; caller holds a lock. */
  private List<ScoredItem> scan(
      float[] q, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    {
      boolean anyVersion = modelVersion == ANY_MODEL_VERSION;
      int[] excluded = excludedSlots(exclude);
      TopKSelector top = new TopKSelector(Math.min(k, size), ids, biases);
      float[] scores = new float[SLAB_ROWS];
      for (int s = 0; s * SLAB_ROWS < size; s++) {
        int base = s * SLAB_ROWS;
        int rows = Math.min(SLAB_ROWS, size - base);
        scoreSlab(slabs[s], q, rows, scores);
        for (int r = 0; r < rows; r++) {
          float score = scoring.score(scores[r], biases[base + r]);
          if (top.admits(score)
              && (anyVersion || versions[base + r] == modelVersion)
              && (excluded.length == 0 || Arrays.binarySearch(excluded, base + r) < 0)) {
            top.offer(base + r, score);
          }
        }
      }
      return List.of(top.drainBestFirst());
    }
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      return size;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int dimension() {
    lock.readLock().lock();
    try {
      return dim;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<Long, Long> modelVersions() {
    lock.readLock().lock();
    try {
      return new HashMap<>(versionCounts);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public IndexStats stats() {
    return IndexStats.exact(size());
  }

  // ---- package-private accessors for GraphItemIndex, which holds its own lock around every call
  // ----

  /**
   * The exact top-k for an already normalised query, without taking the lock (the caller excludes
   * writers).
   */
  List<ScoredItem> topKUnlocked(
      float[] unitQuery, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    return size == 0 ? List.of() : scan(unitQuery, k, exclude, modelVersion, scoring);
  }

  /** The model version of an item, or null when absent. */
  Long modelVersionOf(String id) {
    lock.readLock().lock();
    try {
      Integer slot = slotOf.get(id);
      return slot == null ? null : versions[slot];
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Whether the item is present with exactly this unit vector, model version and bias. */
  boolean holds(String id, float[] unit, long modelVersion, float bias) {
    lock.readLock().lock();
    try {
      Integer slot = slotOf.get(id);
      if (slot == null
          || versions[slot] != modelVersion
          || Float.floatToRawIntBits(biases[slot]) != Float.floatToRawIntBits(bias)) {
        return false;
      }
      float[] slab = slabs[slot / SLAB_ROWS];
      int row = slot % SLAB_ROWS;
      for (int j = 0; j < dim; j++) {
        if (Float.floatToRawIntBits(slab[j * SLAB_ROWS + row])
            != Float.floatToRawIntBits(unit[j])) {
          return false;
        }
      }
      return true;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Copies of up to {@code limit} items' stored (unit) vectors, in slot order. */
  List<Entry> entries(int limit) {
    lock.readLock().lock();
    try {
      int n = Math.min(limit, size);
      List<Entry> out = new ArrayList<>(n);
      for (int slot = 0; slot < n; slot++) {
        out.add(new Entry(ids[slot], row(slot), versions[slot], biases[slot]));
      }
      return out;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Removes every item whose id is not in {@code keep}. */
  void retainOnly(Set<String> keep) {
    lock.writeLock().lock();
    try {
      for (String id : live()) {
        if (!keep.contains(id)) {
          delete(id);
        }
      }
      releaseEmptyRoom();
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** An item as stored: id, unit vector (a copy), model version, bias. */
  record Entry(String id, float[] unit, long modelVersion, float bias) {}

  private String[] live() {
    return Arrays.copyOf(ids, size);
  }

  private float[] row(int slot) {
    float[] out = new float[dim];
    float[] slab = slabs[slot / SLAB_ROWS];
    int row = slot % SLAB_ROWS;
    for (int j = 0; j < dim; j++) {
      out[j] = slab[j * SLAB_ROWS + row];
    }
    return out;
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

  /**
   * Checks the dimension against a non-empty index; returns {@code vector}. Caller holds the write
   * lock.
   */
  private float[] checked(String id, float[] vector) {
    Dimensions.check(id, vector, size == 0 ? vector.length : dim);
    return vector;
  }

  /**
   * Stores {@code unit} (already normalised and checked) as the item's vector. Caller holds the
   * write lock.
   */
  private void put(String id, float[] unit, long modelVersion, float bias) {
    if (size == 0) {
      dim = unit.length;
    }
    Integer existing = slotOf.get(id);
    int slot;
    if (existing != null) {
      slot = existing;
      decrement(versionCounts, versions[slot]);
    } else {
      slot = size;
      ensureCapacity(size + 1);
      ids[slot] = id;
      slotOf.put(id, slot);
      size++;
    }
    versions[slot] = modelVersion;
    biases[slot] = bias;
    versionCounts.merge(modelVersion, 1L, Long::sum);
    float[] slab = slabs[slot / SLAB_ROWS];
    int row = slot % SLAB_ROWS;
    for (int j = 0; j < dim; j++) {
      slab[j * SLAB_ROWS + row] = unit[j];
    }
  }

  /** Removes an item, filling its slot with the last row. Caller holds the write lock. */
  private boolean delete(String id) {
    Integer slot = slotOf.remove(id);
    if (slot == null) {
      return false;
    }
    decrement(versionCounts, versions[slot]);
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
      versions[slot] = versions[last];
      biases[slot] = biases[last];
      slotOf.put(ids[slot], slot);
    }
    ids[last] = null;
    size--;
    if (size == 0) {
      dim = 0; // an empty index accepts a new dimension (e.g. a new model generation in a fresh
      // store)
      slabs = new float[0][];
    }
    return true;
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
      int capacity = Math.max(rows, Math.max(16, ids.length * 2));
      ids = Arrays.copyOf(ids, capacity);
      versions = Arrays.copyOf(versions, capacity);
      biases = Arrays.copyOf(biases, capacity);
    }
  }

  /**
   * Gives back the room of rows deleted in bulk, once three quarters of it is empty: as the delta
   * of a graph index, this index holds every item while the first graph is built (1M items: ~330 MB
   * of rows, ids and map), then keeps only the few changed meanwhile.
   */
  /** The rows this index has room for without growing; for tests. */
  int capacity() {
    lock.readLock().lock();
    try {
      return ids.length;
    } finally {
      lock.readLock().unlock();
    }
  }

  private void releaseEmptyRoom() {
    if (ids.length <= 64 || size * 4 > ids.length) {
      return;
    }
    int capacity = Math.max(16, size * 2);
    ids = Arrays.copyOf(ids, capacity);
    versions = Arrays.copyOf(versions, capacity);
    biases = Arrays.copyOf(biases, capacity);
    slabs = Arrays.copyOf(slabs, (size + SLAB_ROWS - 1) / SLAB_ROWS);
    slotOf = new HashMap<>(slotOf); // a HashMap never shrinks its table
  }

  private int[] excludedSlots(Set<String> exclude) {
    return sortedPositions(exclude, slotOf);
  }

  /**
   * The sorted positions of those {@code ids} that have one in {@code positionOf}; a plain loop,
   * per query.
   */
  static int[] sortedPositions(Set<String> ids, Map<String, Integer> positionOf) {
    if (ids == null || ids.isEmpty()) {
      return new int[0];
    }
    int[] out = new int[ids.size()];
    int n = 0;
    for (String id : ids) {
      Integer position = positionOf.get(id);
      if (position != null) {
        out[n++] = position;
      }
    }
    out = Arrays.copyOf(out, n);
    Arrays.sort(out);
    return out;
  }

  /** Counts one item less for {@code version}, dropping the entry at zero. */
  static void decrement(Map<Long, Long> versionCounts, long version) {
    versionCounts.merge(version, -1L, (a, b) -> a + b == 0 ? null : a + b);
  }
}

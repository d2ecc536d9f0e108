package io.towerstream.model.tables;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A collisionless embedding table: every distinct string id owns its own row (no hashing into shared
 * buckets, which Monolith found costs accuracy). Slots are dense, {@code 0..size()-1}; once
 * {@code maxRows} rows exist, inserting a new id evicts the least recently used row and reuses its slot.
 *
 * <p>Each row is {@code dim} weights followed by one row-wise Adagrad accumulator (see
 * {@link io.towerstream.model.optim.RowwiseAdagrad}); both live in {@link RowStore} chunks, addressed with
 * {@link #chunk(int)} and {@link #offset(int)}. Not thread-safe.
 */
public final class IdTable {
  private final int dim;
  private final int maxRows;
  private final RowStore rows;
  private final Map<String, Integer> slotById = new HashMap<>();
  private LruOrder recency = new LruOrder();
  private String[] idBySlot = new String[16];
  private int size;
  private long evicted;
  private EvictionListener evictionListener = (slot, id) -> {};

  public IdTable(int dim, int maxRows) {
    if (dim <= 0 || maxRows <= 0) {
      throw new IllegalArgumentException("dim and maxRows must be positive, were " + dim + ", " + maxRows);
    }
    this.dim = dim;
    this.maxRows = maxRows;
    this.rows = new RowStore(dim + 1);
  }

  public void setEvictionListener(EvictionListener listener) {
    this.evictionListener = listener;
  }

  public int dim() {
    return dim;
  }

  /** Live rows. */
  public int size() {
    return size;
  }

  public int maxRows() {
    return maxRows;
  }

  /** Rows evicted since the table was created (across snapshots). */
  public long evictedRows() {
    return evicted;
  }

  /** The slot of {@code id}, or -1. Does not count as a use. */
  public int slotOf(String id) {
    Integer slot = slotById.get(id);
    return slot == null ? -1 : slot;
  }

  public String idAt(int slot) {
    checkSlot(slot);
    return idBySlot[slot];
  }

  /**
   * Adds a row for an id not in the table with weights {@code init[off..off+dim)} and a zero accumulator,
   * as the most recently used. When the table is full the least recently used row is evicted first (the
   * listener hears of it) and its slot is reused.
   *
   * @return the new row's slot
   */
  public int insert(String id, float[] init, int off) {
    if (slotById.containsKey(id)) {
      throw new IllegalArgumentException("id already in table: " + id);
    }
    int slot;
    if (size < maxRows) {
      slot = size++;
      rows.ensureCapacity(size);
      if (slot >= idBySlot.length) {
        idBySlot = Arrays.copyOf(idBySlot, Math.max(slot + 1, Math.min(maxRows, idBySlot.length * 2)));
      }
    } else {
      slot = recency.last();
      recency.remove(slot);
      String old = idBySlot[slot];
      slotById.remove(old);
      evicted++;
      evictionListener.onEvict(slot, old);
    }
    idBySlot[slot] = id;
    slotById.put(id, slot);
    float[] chunk = rows.chunk(slot);
    int base = rows.offset(slot);
    System.arraycopy(init, off, chunk, base, dim);
    chunk[base + dim] = 0f;
    recency.addFirst(slot);
    return slot;
  }

  /** Marks a row as just used, protecting it from eviction longest. */
  public void touch(int slot) {
    checkSlot(slot);
    recency.touch(slot);
  }

  /** The array holding a row: weights at {@code offset(slot)..+dim}, the accumulator right after. */
  public float[] chunk(int slot) {
    return rows.chunk(slot);
  }

  public int offset(int slot) {
    return rows.offset(slot);
  }

  /** Copies a row's weights into {@code dst[off..off+dim)}. */
  public void copyWeights(int slot, float[] dst, int off) {
    checkSlot(slot);
    System.arraycopy(rows.chunk(slot), rows.offset(slot), dst, off, dim);
  }

  /** Slots from most to least recently used. */
  public int[] recencyOrder() {
    return recency.toArray();
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(maxRows).writeInt(size).writeLong(evicted);
    for (int slot = 0; slot < size; slot++) {
      out.writeString(idBySlot[slot]);
      out.writeFloats(rows.chunk(slot), rows.offset(slot), dim + 1);
    }
    recency.writeTo(out);
  }

  /**
   * Reads a table written by {@link #writeTo}.
   *
   * @param maxRows the configured bound, which must hold the snapshot's rows
   */
  public static IdTable readFrom(SnapshotReader in, int dim, int maxRows, String name) {
    in.readInt(); // the bound at snapshot time; the configured one wins
    int size = in.readLength(4 + 4 * (dim + 1));
    if (size > maxRows) {
      throw new IllegalArgumentException("model snapshot's " + name + " table has " + size
          + " rows but model.max-rows-per-table is " + maxRows);
    }
    long evicted = in.readLong();
    IdTable table = new IdTable(dim, maxRows);
    table.rows.ensureCapacity(size);
    table.idBySlot = new String[Math.max(16, size)];
    for (int slot = 0; slot < size; slot++) {
      String id = in.readString();
      SnapshotReader.check(table.slotById.put(id, slot) == null, "duplicate id in " + name + " table");
      table.idBySlot[slot] = id;
      in.readFloats(table.rows.chunk(slot), table.rows.offset(slot), dim + 1);
    }
    table.recency = LruOrder.readFrom(in, size);
    SnapshotReader.check(table.recency.size() == size, "recency order of " + name + " table misses rows");
    table.size = size;
    table.evicted = evicted;
    return table;
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= size) {
      throw new IndexOutOfBoundsException("slot " + slot + " outside table of " + size + " rows");
    }
  }
}

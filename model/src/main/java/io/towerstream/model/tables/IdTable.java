package io.towerstream.model.tables;

import io.towerstream.model.optim.OptimizedRows;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * A collisionless embedding table: every distinct string id owns its own row (no hashing into
 * shared buckets, which Monolith found costs accuracy). Slots lie in {@code 0..size()-1}; once
 * {@code maxRows} rows are live, inserting a new id evicts the least recently used row and reuses
 * its slot. Rows idle for too long can also be expired ({@link #expireIdle}); their slots are free
 * until the next inserts reuse them, lowest first, so that slot assignment stays a function of the
 * table's state (restores continue identically).
 *
 * <p>Each row is {@code dim} weights followed by {@code stateWidth} floats of optimizer state (one
 * row-wise Adagrad accumulator, or lazy Adam's step count and moments: see {@link
 * io.towerstream.model.optim.RowOptimizer}); both live in {@link RowStore} chunks, addressed with
 * {@link #chunk(int)} and {@link #offset(int)}.
 *
 * <p>Two orders are kept. Recency ({@link #touch}: any use, as a sampled negative or history item
 * too) picks the row to evict for room. Activity ({@link #markActive}: the id occurred in an event)
 * decides expiry: a popular negative or a history item nobody clicks any more must still expire, or
 * a TTL would keep every reservoir item alive. Activity is stamped with the table's clock ({@link
 * #setClock}), the trained-event count, so idleness is measured in events and is deterministic. Not
 * thread-safe.
 */
public final class IdTable implements OptimizedRows {
  private final int dim;
  private final int maxRows;
  private final int stateWidth;
  private final RowStore rows;

  /** Slots below {@link #size} that hold no row (expired and not yet reused). */
  private final BitSet free = new BitSet();

  private int freeCount;
  private long[] lastUsed = new long[16];

  /**
   * Per slot, when it was last used (a counter of uses, not time): lets rows saved one by one
   * elsewhere be put back in exactly the recency order they had ({@link #restoreRow}). Not in
   * snapshots, which store the order.
   */
  private long[] recencyStamp = new long[16];

  private long uses;
  private long clock;
  private long inserted;
  private long expired;
  private final Map<String, Integer> slotById = new HashMap<>();
  private LruOrder recency = new LruOrder();
  private LruOrder activity = new LruOrder();
  private String[] idBySlot = new String[16];
  private int size;
  private long evicted;
  private EvictionListener evictionListener = (slot, id) -> {};

  /** A table with one float of optimizer state per row (row-wise Adagrad). */
  public IdTable(int dim, int maxRows) {
    this(dim, maxRows, 1);
  }

  public IdTable(int dim, int maxRows, int stateWidth) {
    if (dim <= 0 || maxRows <= 0 || stateWidth <= 0) {
      throw new IllegalArgumentException(
          "dim, maxRows and stateWidth must be positive, were "
              + dim
              + ", "
              + maxRows
              + ", "
              + stateWidth);
    }
    this.dim = dim;
    this.maxRows = maxRows;
    this.stateWidth = stateWidth;
    this.rows = new RowStore(dim + stateWidth);
  }

  public void setEvictionListener(EvictionListener listener) {
    this.evictionListener = listener;
  }

  @Override
  public int dim() {
    return dim;
  }

  /**
   * The slot bound: every row's slot is below it (with expired rows, some slots below it are free).
   */
  public int size() {
    return size;
  }

  /** Rows that hold an id. */
  public int liveRows() {
    return size - freeCount;
  }

  /** Floats of optimizer state after each row's weights. */
  @Override
  public int stateWidth() {
    return stateWidth;
  }

  /** Rows inserted since the table was created (across snapshots). */
  public long insertedRows() {
    return inserted;
  }

  /** Rows expired by {@link #expireIdle} (a subset of {@link #evictedRows}). */
  public long expiredRows() {
    return expired;
  }

  /** Sets the time stamped on every later use, in trained events. */
  public void setClock(long now) {
    clock = now;
  }

  /** Whether {@code slot} holds a row (it may be an expired, free one). */
  public boolean isLive(int slot) {
    return slot >= 0 && slot < size && !free.get(slot);
  }

  public int maxRows() {
    return maxRows;
  }

  /** Rows evicted (for room or expired) since the table was created (across snapshots). */
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
   * Adds a row for an id not in the table with weights {@code init[off..off+dim)} and zero
   * optimizer state, as the most recently used. When the table is full the least recently used row
   * is evicted first (the listener hears of it) and its slot is reused; otherwise the lowest free
   * slot, or a new one.
   *
   * @return the new row's slot
   */
  public int insert(String id, float[] init, int off) {
    if (slotById.containsKey(id)) {
      throw new IllegalArgumentException("id already in table: " + id);
    }
    int slot;
    if (liveRows() >= maxRows) {
      slot = recency.last();
      evict(slot);
    } else if (freeCount > 0) {
      slot = free.nextSetBit(0);
      free.clear(slot);
      freeCount--;
    } else {
      slot = size++;
      rows.ensureCapacity(size);
      if (slot >= idBySlot.length) {
        int grown = Math.max(slot + 1, Math.min(maxRows, idBySlot.length * 2));
        idBySlot = Arrays.copyOf(idBySlot, grown);
        lastUsed = Arrays.copyOf(lastUsed, grown);
        recencyStamp = Arrays.copyOf(recencyStamp, grown);
      }
    }
    idBySlot[slot] = id;
    slotById.put(id, slot);
    float[] chunk = rows.chunk(slot);
    int base = rows.offset(slot);
    System.arraycopy(init, off, chunk, base, dim);
    Arrays.fill(chunk, base + dim, base + dim + stateWidth, 0f);
    recency.addFirst(slot);
    activity.addFirst(slot);
    lastUsed[slot] = clock;
    recencyStamp[slot] = ++uses;
    inserted++;
    return slot;
  }

  /**
   * Adds a row saved elsewhere (weights and optimizer state, {@code dim + stateWidth} floats from
   * {@code row[off..]}) with its activity stamp and {@link #recencyStamp}, as the most recently
   * used and active row. It counts as no insertion: the row existed before, outside this table.
   * Callers restoring many rows add them in ascending recency stamp, so that the recency order is
   * the one they had. Evicts for room like {@link #insert}.
   *
   * @return the row's slot
   */
  public int restoreRow(String id, float[] row, int off, long lastActive, long recencyStamp) {
    uses = Math.max(uses, recencyStamp - 1);
    int slot = insert(id, row, off);
    inserted--;
    System.arraycopy(row, off + dim, rows.chunk(slot), rows.offset(slot) + dim, stateWidth);
    lastUsed[slot] = lastActive;
    this.recencyStamp[slot] = Math.max(recencyStamp, this.recencyStamp[slot]);
    return slot;
  }

  /**
   * The row's place in the recency order as a number that only grows with later uses: rows saved at
   * different times compare by it ({@link #restoreRow}).
   */
  public long recencyStamp(int slot) {
    checkSlot(slot);
    return recencyStamp[slot];
  }

  /**
   * Copies a row's weights and optimizer state ({@code dim + stateWidth} floats) into {@code
   * dst[off..]}.
   */
  public void copyRow(int slot, float[] dst, int off) {
    checkSlot(slot);
    System.arraycopy(rows.chunk(slot), rows.offset(slot), dst, off, dim + stateWidth);
  }

  /** Marks a row as just used, protecting it from eviction longest. */
  public void touch(int slot) {
    checkSlot(slot);
    recency.touch(slot);
    recencyStamp[slot] = ++uses;
  }

  /** Marks a row's id as just seen in an event, now by the clock: it is not idle. */
  public void markActive(int slot) {
    checkSlot(slot);
    activity.touch(slot);
    lastUsed[slot] = clock;
  }

  /**
   * Evicts, least recently active first, every row last active more than {@code ttl} before the
   * clock; the listener hears of each, as of a row evicted for room.
   *
   * @return the number of rows expired
   */
  public int expireIdle(long ttl) {
    int n = 0;
    for (int slot = activity.last();
        slot >= 0 && clock - lastUsed[slot] > ttl;
        slot = activity.last()) {
      evict(slot);
      free.set(slot);
      freeCount++;
      expired++;
      n++;
    }
    return n;
  }

  /** The clock value of the row's last activity. */
  public long lastUsed(int slot) {
    checkSlot(slot);
    return lastUsed[slot];
  }

  private void evict(int slot) {
    recency.remove(slot);
    activity.remove(slot);
    String old = idBySlot[slot];
    slotById.remove(old);
    idBySlot[slot] = null;
    evicted++;
    evictionListener.onEvict(slot, old);
  }

  /**
   * The array holding a row: weights at {@code offset(slot)..+dim}, the optimizer state right
   * after.
   */
  @Override
  public float[] chunk(int slot) {
    return rows.chunk(slot);
  }

  @Override
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

  /**
   * Writes ids, weights and the first optimizer-state float (the layout of format version 1, whose
   * tables held one Adagrad accumulator); a free slot is written as the empty id, which no
   * interaction can carry. The rest is in {@link #writeExtrasTo}, a later section, so that earlier
   * snapshots keep their layout.
   */
  public void writeTo(SnapshotWriter out) {
    out.writeInt(maxRows).writeInt(size).writeLong(evicted);
    for (int slot = 0; slot < size; slot++) {
      out.writeString(free.get(slot) ? "" : idBySlot[slot]);
      out.writeFloats(rows.chunk(slot), rows.offset(slot), dim + 1);
    }
    recency.writeTo(out);
  }

  /**
   * Writes this table as {@link #writeTo} and {@link #writeExtrasTo} would write an empty table
   * with this one's bound, counters and clock: for a snapshot whose rows are saved elsewhere (a
   * sharded trainer keeps users in Flink keyed state) and come back through {@link #restoreRow}.
   */
  public void writeWithoutRowsTo(SnapshotWriter out) {
    out.writeInt(maxRows).writeInt(0).writeLong(evicted);
    new LruOrder().writeTo(out);
  }

  /** The extras section of {@link #writeWithoutRowsTo}. */
  public void writeExtrasWithoutRowsTo(SnapshotWriter out) {
    out.writeLong(inserted).writeLong(expired).writeLong(clock).writeInt(stateWidth);
    new LruOrder().writeTo(out);
  }

  /**
   * Writes what {@link #writeTo} leaves out: counters, clock, activity order and stamps, the other
   * optimizer-state floats.
   */
  public void writeExtrasTo(SnapshotWriter out) {
    out.writeLong(inserted).writeLong(expired).writeLong(clock).writeInt(stateWidth);
    activity.writeTo(out);
    out.writeLongs(lastUsed, 0, size);
    for (int slot = 0; slot < size; slot++) {
      out.writeFloats(rows.chunk(slot), rows.offset(slot) + dim + 1, stateWidth - 1);
    }
  }

  /**
   * Reads what {@link #writeExtrasTo} wrote. Optimizer state of another width (the snapshot was
   * trained with another table optimizer) is dropped: the configured optimizer starts afresh on the
   * trained weights.
   */
  public void readExtrasFrom(SnapshotReader in) {
    inserted = in.readLong();
    expired = in.readLong();
    clock = in.readLong();
    int storedWidth = in.readInt();
    SnapshotReader.check(storedWidth >= 1, "bad optimizer state width " + storedWidth);
    activity = LruOrder.readFrom(in, size);
    SnapshotReader.check(activity.size() == liveRows(), "activity order misses rows");
    for (int slot : activity.toArray()) {
      SnapshotReader.check(!free.get(slot), "activity order lists a free slot");
    }
    in.readLongs(lastUsed, 0, size);
    float[] skipped = new float[storedWidth - 1];
    for (int slot = 0; slot < size; slot++) {
      if (storedWidth == stateWidth) {
        in.readFloats(rows.chunk(slot), rows.offset(slot) + dim + 1, stateWidth - 1);
      } else {
        in.readFloats(skipped, 0, storedWidth - 1);
        Arrays.fill(
            rows.chunk(slot), rows.offset(slot) + dim, rows.offset(slot) + dim + stateWidth, 0f);
      }
    }
  }

  /**
   * For snapshots without {@link #writeExtrasTo}, whose rows held one Adagrad accumulator: every
   * row counts as active now; state for another optimizer starts at zero.
   */
  public void initialiseExtras(long now) {
    clock = now;
    Arrays.fill(lastUsed, 0, size, now);
    if (stateWidth != 1) {
      for (int slot = 0; slot < size; slot++) {
        Arrays.fill(
            rows.chunk(slot), rows.offset(slot) + dim, rows.offset(slot) + dim + stateWidth, 0f);
      }
    }
  }

  /**
   * Reads a table written by {@link #writeTo}.
   *
   * @param maxRows the configured bound, which must hold the snapshot's rows
   */
  public static IdTable readFrom(SnapshotReader in, int dim, int maxRows, String name) {
    return readFrom(in, dim, maxRows, 1, name);
  }

  /**
   * As {@link #readFrom(SnapshotReader, int, int, String)} into rows of {@code stateWidth} state
   * floats.
   */
  public static IdTable readFrom(
      SnapshotReader in, int dim, int maxRows, int stateWidth, String name) {
    in.readInt(); // the bound at snapshot time; the configured one wins
    int size = in.readLength(4 + 4 * (dim + 1));
    long evicted = in.readLong();
    IdTable table = new IdTable(dim, maxRows, stateWidth);
    table.rows.ensureCapacity(size);
    table.idBySlot = new String[Math.max(16, size)];
    table.lastUsed = new long[table.idBySlot.length];
    for (int slot = 0; slot < size; slot++) {
      String id = in.readString();
      if (id.isEmpty()) {
        table.free.set(slot);
        table.freeCount++;
      } else {
        SnapshotReader.check(
            table.slotById.put(id, slot) == null, "duplicate id in " + name + " table");
        table.idBySlot[slot] = id;
      }
      in.readFloats(table.rows.chunk(slot), table.rows.offset(slot), dim + 1);
    }
    table.size = size;
    if (table.liveRows() > maxRows) {
      throw new IllegalArgumentException(
          "model snapshot's "
              + name
              + " table has "
              + table.liveRows()
              + " rows but model.max-rows-per-table is "
              + maxRows);
    }
    table.recency = LruOrder.readFrom(in, size);
    SnapshotReader.check(
        table.recency.size() == table.liveRows(),
        "recency order of " + name + " table misses rows");
    for (int slot : table.recency.toArray()) {
      SnapshotReader.check(
          !table.free.get(slot), "recency order of " + name + " table lists a free slot");
    }
    table.evicted = evicted;
    table.recencyStamp = new long[table.idBySlot.length];
    int[] order = table.recency.toArray();
    for (int k = order.length - 1; k >= 0; k--) {
      table.recencyStamp[order[k]] = ++table.uses; // most recent gets the highest stamp
    }
    // Until extras say otherwise: activity in recency order, every row inserted once.
    for (int k = order.length - 1; k >= 0; k--) {
      table.activity.addFirst(order[k]);
    }
    table.inserted = table.liveRows() + evicted;
    return table;
  }

  private void checkSlot(int slot) {
    if (slot < 0 || slot >= size || free.get(slot)) {
      throw new IndexOutOfBoundsException(
          "slot " + slot + " holds no row (table of " + size + " slots)");
    }
  }
}

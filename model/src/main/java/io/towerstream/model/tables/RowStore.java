package io.towerstream.model.tables;

import java.util.Arrays;

/**
 * Fixed-stride float rows in growable chunks of {@value #ROWS_PER_CHUNK} rows. Chunks keep growth
 * cheap (no copy of existing rows) and keep each array far below the JVM's array size limit; rows
 * are plain Java floats so that per-row work (gather, scatter, optimizer updates) needs no ND4J
 * call.
 *
 * <p>Row {@code r} lives in {@code chunk(r)} starting at {@code offset(r)}.
 */
public final class RowStore {
  static final int CHUNK_SHIFT = 12;
  public static final int ROWS_PER_CHUNK = 1 << CHUNK_SHIFT;
  private static final int ROW_MASK = ROWS_PER_CHUNK - 1;

  private final int stride;
  private float[][] chunks = new float[0][];

  public RowStore(int stride) {
    if (stride <= 0) {
      throw new IllegalArgumentException("stride must be positive, was " + stride);
    }
    this.stride = stride;
  }

  public int stride() {
    return stride;
  }

  /** Makes rows {@code [0, rows)} addressable; new rows are zero. */
  public void ensureCapacity(int rows) {
    int needed = (rows + ROW_MASK) >>> CHUNK_SHIFT;
    if (needed > chunks.length) {
      int old = chunks.length;
      chunks = Arrays.copyOf(chunks, needed);
      for (int c = old; c < needed; c++) {
        chunks[c] = new float[ROWS_PER_CHUNK * stride];
      }
    }
  }

  /** The array holding row {@code row}; mutations write through. */
  public float[] chunk(int row) {
    return chunks[row >>> CHUNK_SHIFT];
  }

  /** The index of row {@code row}'s first float in {@link #chunk}. */
  public int offset(int row) {
    return (row & ROW_MASK) * stride;
  }
}

package io.towerstream.model.snapshot;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Appends big-endian primitives and arrays to a growing in-memory buffer. Arrays go through bulk
 * {@link ByteBuffer} views because a table of millions of rows written float by float takes
 * seconds.
 */
public final class SnapshotWriter {
  private ByteBuffer buffer;

  public SnapshotWriter() {
    this(1 << 16);
  }

  /**
   * A writer whose buffer starts at {@code initialCapacity} bytes (small records: one user's row).
   */
  public SnapshotWriter(int initialCapacity) {
    buffer = ByteBuffer.allocate(Math.max(16, initialCapacity));
  }

  public SnapshotWriter writeInt(int v) {
    ensure(4).putInt(v);
    return this;
  }

  public SnapshotWriter writeLong(long v) {
    ensure(8).putLong(v);
    return this;
  }

  public SnapshotWriter writeFloat(float v) {
    ensure(4).putFloat(v);
    return this;
  }

  public SnapshotWriter writeDouble(double v) {
    ensure(8).putDouble(v);
    return this;
  }

  public SnapshotWriter writeBoolean(boolean v) {
    ensure(1).put((byte) (v ? 1 : 0));
    return this;
  }

  /** Length-prefixed UTF-8. */
  public SnapshotWriter writeString(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    ensure(bytes.length).put(bytes);
    return this;
  }

  /** Writes {@code len} floats without a length prefix (the reader must know the length). */
  public SnapshotWriter writeFloats(float[] v, int off, int len) {
    ByteBuffer b = ensure(4L * len);
    b.asFloatBuffer().put(v, off, len);
    b.position(b.position() + 4 * len);
    return this;
  }

  /** Writes {@code len} ints without a length prefix. */
  public SnapshotWriter writeInts(int[] v, int off, int len) {
    ByteBuffer b = ensure(4L * len);
    b.asIntBuffer().put(v, off, len);
    b.position(b.position() + 4 * len);
    return this;
  }

  /** Writes {@code len} longs without a length prefix. */
  public SnapshotWriter writeLongs(long[] v, int off, int len) {
    ByteBuffer b = ensure(8L * len);
    b.asLongBuffer().put(v, off, len);
    b.position(b.position() + 8 * len);
    return this;
  }

  /** The bytes written so far, without a checksum. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  /** The bytes written so far followed by their CRC-32, so that a reader can detect corruption. */
  public byte[] toByteArrayWithChecksum() {
    CRC32 crc = new CRC32();
    crc.update(buffer.array(), 0, buffer.position());
    writeLong(crc.getValue());
    return Arrays.copyOf(buffer.array(), buffer.position());
  }

  private ByteBuffer ensure(long extra) {
    long needed = buffer.position() + extra;
    if (needed > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("snapshot larger than 2 GiB; lower model.max-rows-per-table");
    }
    if (needed > buffer.capacity()) {
      long grown = Math.max(needed, Math.min(Integer.MAX_VALUE - 16L, 2L * buffer.capacity()));
      ByteBuffer bigger = ByteBuffer.allocate((int) grown);
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
    return buffer;
  }
}

package io.towerstream.model.snapshot;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link SnapshotWriter} wrote. Every malformed input (bad checksum, truncation,
 * impossible length) surfaces as an {@link IllegalArgumentException} that says so, never as a
 * low-level exception.
 */
public final class SnapshotReader {
  private final ByteBuffer buffer;
  private final int formatVersion;
  private final boolean towerMlpFields;

  private SnapshotReader(ByteBuffer buffer, int formatVersion, boolean towerMlpFields) {
    this.buffer = buffer;
    this.formatVersion = formatVersion;
    this.towerMlpFields = towerMlpFields;
  }

  /** A reader over {@code bytes[offset, offset + length)} of the current format version. */
  public static SnapshotReader over(byte[] bytes, int offset, int length) {
    return over(bytes, offset, length, SnapshotFormat.FORMAT_VERSION);
  }

  /**
   * A reader over {@code bytes[offset, offset + length)} written in format {@code formatVersion}.
   */
  public static SnapshotReader over(byte[] bytes, int offset, int length, int formatVersion) {
    return new SnapshotReader(
        ByteBuffer.wrap(bytes, offset, length).slice(), formatVersion, formatVersion >= 3);
  }

  /**
   * The same bytes from the start, read as the first layout of format 3, whose towers had no MLP
   * field: the MLP was added inside format 3 (before format numbers were bumped for every layout
   * change), so a version-3 snapshot is one of two layouts and only reading tells which.
   */
  public SnapshotReader asVersion3WithoutTowerMlp() {
    if (formatVersion != 3) {
      throw new IllegalStateException("only format 3 has a layout without tower MLP fields");
    }
    return new SnapshotReader(buffer.duplicate().rewind(), formatVersion, false);
  }

  /** The format version of the snapshot being read, so readers can migrate older layouts. */
  public int formatVersion() {
    return formatVersion;
  }

  /** Whether each tower records its MLP width: formats 3 (all but its first layout) and later. */
  public boolean hasTowerMlpFields() {
    return towerMlpFields;
  }

  public int readInt() {
    return guard(() -> buffer.getInt());
  }

  public long readLong() {
    return guard(() -> buffer.getLong());
  }

  public float readFloat() {
    return guard(() -> buffer.getFloat());
  }

  public double readDouble() {
    return guard(() -> buffer.getDouble());
  }

  public boolean readBoolean() {
    byte b = guard(() -> buffer.get());
    if (b != 0 && b != 1) {
      throw new IllegalArgumentException("model snapshot is corrupt: bad boolean " + b);
    }
    return b == 1;
  }

  public String readString() {
    int len = readLength(1);
    byte[] bytes = new byte[len];
    buffer.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * Reads a non-negative count of elements of {@code elementBytes} each that must fit in what is
   * left.
   */
  public int readLength(int elementBytes) {
    int n = readInt();
    if (n < 0 || (long) n * elementBytes > buffer.remaining()) {
      throw new IllegalArgumentException(
          "model snapshot is corrupt: length " + n + " exceeds the data left");
    }
    return n;
  }

  public void readFloats(float[] dst, int off, int len) {
    requireRemaining(4L * len);
    buffer.asFloatBuffer().get(dst, off, len);
    buffer.position(buffer.position() + 4 * len);
  }

  public void readInts(int[] dst, int off, int len) {
    requireRemaining(4L * len);
    buffer.asIntBuffer().get(dst, off, len);
    buffer.position(buffer.position() + 4 * len);
  }

  public void readLongs(long[] dst, int off, int len) {
    requireRemaining(8L * len);
    buffer.asLongBuffer().get(dst, off, len);
    buffer.position(buffer.position() + 8 * len);
  }

  /**
   * Whether bytes are left: sections appended to a format version are absent from its earlier
   * writers.
   */
  public boolean hasRemaining() {
    return buffer.hasRemaining();
  }

  /** Fails unless every byte was consumed: trailing garbage means writer and reader disagree. */
  public void requireFullyRead() {
    if (buffer.hasRemaining()) {
      throw new IllegalArgumentException(
          "model snapshot is corrupt: " + buffer.remaining() + " unread bytes");
    }
  }

  /** Throws a "corrupt snapshot" error unless {@code ok}. */
  public static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalArgumentException("model snapshot is corrupt: " + what);
    }
  }

  private void requireRemaining(long bytes) {
    if (bytes > buffer.remaining()) {
      throw new IllegalArgumentException("model snapshot is truncated");
    }
  }

  private interface Read<T> {
    T get();
  }

  private static <T> T guard(Read<T> read) {
    try {
      return read.get();
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("model snapshot is truncated", e);
    }
  }
}

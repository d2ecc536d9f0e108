package io.towerstream.store.rocks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The byte layout of a vector in the {@code users} and {@code items} column families, all
 * little-endian:
 *
 * <pre>
 * version 0                          version 1                 version 2
 * u8  format version (0)             u8  format version (1)    version 1's layout with 2, then
 * i64 modelVersion                   i64 modelVersion          i32 recent item count
 * i64 sequence                       i64 sequence              per item: i32 UTF-8 length, bytes
 * i64 updatedAt (epoch millis)       i64 updatedAt (epoch millis)
 * i32 dim                            f32 bias
 * f32 × dim                          i32 dim
 *                                    f32 × dim
 * </pre>
 *
 * A new layout gets a new version byte; readers keep decoding every older one (a version-0 value
 * has bias 0, versions 0 and 1 no recent items). {@link #encode(StoredVector)} writes the oldest
 * version that holds the value exactly: version 0 for a bias of exactly {@code +0f} and no recent
 * items, so bias-free items and every value read from version 0 are re-written byte for byte as
 * before, and a replica rolled back to a release that knows only version 0 still reads them.
 */
public final class VectorValueFormat {
  public static final byte VERSION_0 = 0;
  public static final byte VERSION_1 = 1;
  public static final byte VERSION_2 = 2;
  private static final int HEADER_BYTES_V0 = 1 + 8 + 8 + 8 + 4;
  private static final int HEADER_BYTES_V1 = HEADER_BYTES_V0 + 4;

  private VectorValueFormat() {}

  /**
   * Encodes in the oldest version that carries the value exactly (see the class comment); mutates
   * nothing.
   */
  public static byte[] encode(StoredVector value) {
    boolean noBias =
        Float.floatToRawIntBits(value.bias()) == 0; // +0f only: -0f must survive a round trip
    byte version = !value.recentItems().isEmpty() ? VERSION_2 : noBias ? VERSION_0 : VERSION_1;
    return encode(value, version);
  }

  /**
   * Encodes in {@code version}; mutates nothing.
   *
   * @throws IllegalArgumentException for an unknown version, or an older version without a field
   *     the value has
   */
  public static byte[] encode(StoredVector value, byte version) {
    if (version != VERSION_0 && version != VERSION_1 && version != VERSION_2) {
      throw new IllegalArgumentException("unknown stored vector format version " + version);
    }
    if (version == VERSION_0 && Float.floatToRawIntBits(value.bias()) != 0) {
      throw new IllegalArgumentException(
          "format version 0 has no bias; cannot store bias " + value.bias());
    }
    if (version != VERSION_2 && !value.recentItems().isEmpty()) {
      throw new IllegalArgumentException(
          "format version "
              + version
              + " has no recent items; cannot store "
              + value.recentItems().size());
    }
    List<byte[]> recent = new ArrayList<>(value.recentItems().size());
    int recentBytes = version == VERSION_2 ? 4 : 0;
    for (String item : value.recentItems()) {
      byte[] b = item.getBytes(StandardCharsets.UTF_8);
      recent.add(b);
      recentBytes += 4 + b.length;
    }
    float[] v = value.vector();
    int header = version == VERSION_0 ? HEADER_BYTES_V0 : HEADER_BYTES_V1;
    ByteBuffer out =
        ByteBuffer.allocate(header + 4 * v.length + recentBytes).order(ByteOrder.LITTLE_ENDIAN);
    out.put(version)
        .putLong(value.modelVersion())
        .putLong(value.sequence())
        .putLong(value.updatedAt());
    if (version != VERSION_0) {
      out.putFloat(value.bias());
    }
    out.putInt(v.length);
    out.asFloatBuffer().put(v); // bulk, in the buffer's byte order; the view starts at the position
    out.position(out.position() + 4 * v.length);
    if (version == VERSION_2) {
      out.putInt(recent.size());
      for (byte[] b : recent) {
        out.putInt(b.length).put(b);
      }
    }
    return out.array();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a known version or are truncated
   */
  public static StoredVector decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_BYTES_V0) {
      throw new IllegalArgumentException(
          "stored vector too short: " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte version = in.get();
    if (version != VERSION_0 && version != VERSION_1 && version != VERSION_2) {
      throw new IllegalArgumentException("unknown stored vector format version " + version);
    }
    if (version != VERSION_0 && bytes.length < HEADER_BYTES_V1) {
      throw new IllegalArgumentException(
          "stored vector too short for version " + version + ": " + bytes.length + " bytes");
    }
    long modelVersion = in.getLong();
    long sequence = in.getLong();
    long updatedAt = in.getLong();
    float bias = version != VERSION_0 ? in.getFloat() : 0f;
    int dim = in.getInt();
    long valueBytes = 4L * dim;
    if (dim < 0
        || (version == VERSION_2
            ? in.remaining() < valueBytes + 4
            : in.remaining() != valueBytes)) {
      throw new IllegalArgumentException(
          "stored vector claims dim " + dim + " but has " + in.remaining() + " value bytes");
    }
    float[] vector = new float[dim];
    in.asFloatBuffer().get(vector);
    in.position(in.position() + 4 * dim);
    List<String> recent = version == VERSION_2 ? recentItems(in) : List.of();
    return new StoredVector(modelVersion, sequence, updatedAt, vector, bias, recent);
  }

  private static List<String> recentItems(ByteBuffer in) {
    int n = in.getInt();
    if (n < 0 || n > in.remaining() / 4) {
      throw new IllegalArgumentException(
          "stored vector claims " + n + " recent items in " + in.remaining() + " bytes");
    }
    List<String> out = new ArrayList<>(n);
    for (int k = 0; k < n; k++) {
      int length = in.remaining() >= 4 ? in.getInt() : -1;
      if (length < 0 || length > in.remaining()) {
        throw new IllegalArgumentException("stored vector's recent item " + k + " is truncated");
      }
      byte[] b = new byte[length];
      in.get(b);
      out.add(new String(b, StandardCharsets.UTF_8));
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(
          "stored vector has " + in.remaining() + " bytes after its recent items");
    }
    return out;
  }
}

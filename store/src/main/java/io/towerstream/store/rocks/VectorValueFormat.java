package io.towerstream.store.rocks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte layout of a vector in the {@code users} and {@code items} column families, all little-endian:
 *
 * <pre>
 * version 0                          version 1
 * u8  format version (0)             u8  format version (1)
 * i64 modelVersion                   i64 modelVersion
 * i64 sequence                       i64 sequence
 * i64 updatedAt (epoch millis)       i64 updatedAt (epoch millis)
 * i32 dim                            f32 bias
 * f32 × dim                          i32 dim
 *                                    f32 × dim
 * </pre>
 *
 * A new layout gets a new version byte; readers keep decoding every older one (a version-0 value has bias
 * 0). {@link #encode(StoredVector)} writes the oldest version that holds the value exactly: version 0 for a
 * bias of exactly {@code +0f}, so users, bias-free items and every value read from version 0 are re-written
 * byte for byte as before, and a replica rolled back to a release that knows only version 0 still reads them.
 */
public final class VectorValueFormat {
  public static final byte VERSION_0 = 0;
  public static final byte VERSION_1 = 1;
  private static final int HEADER_BYTES_V0 = 1 + 8 + 8 + 8 + 4;
  private static final int HEADER_BYTES_V1 = HEADER_BYTES_V0 + 4;

  private VectorValueFormat() {}

  /** Encodes in the oldest version that carries the value exactly (see the class comment); mutates nothing. */
  public static byte[] encode(StoredVector value) {
    boolean noBias = Float.floatToRawIntBits(value.bias()) == 0; // +0f only: -0f must survive a round trip
    return encode(value, noBias ? VERSION_0 : VERSION_1);
  }

  /**
   * Encodes in {@code version}; mutates nothing.
   *
   * @throws IllegalArgumentException for an unknown version, or version 0 with a bias it cannot carry
   */
  public static byte[] encode(StoredVector value, byte version) {
    if (version != VERSION_0 && version != VERSION_1) {
      throw new IllegalArgumentException("unknown stored vector format version " + version);
    }
    if (version == VERSION_0 && Float.floatToRawIntBits(value.bias()) != 0) {
      throw new IllegalArgumentException("format version 0 has no bias; cannot store bias " + value.bias());
    }
    float[] v = value.vector();
    int header = version == VERSION_0 ? HEADER_BYTES_V0 : HEADER_BYTES_V1;
    ByteBuffer out = ByteBuffer.allocate(header + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(version).putLong(value.modelVersion()).putLong(value.sequence()).putLong(value.updatedAt());
    if (version == VERSION_1) {
      out.putFloat(value.bias());
    }
    out.putInt(v.length);
    out.asFloatBuffer().put(v);
    return out.array();
  }

  /** @throws IllegalArgumentException when the bytes are not a known version or are truncated */
  public static StoredVector decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_BYTES_V0) {
      throw new IllegalArgumentException(
          "stored vector too short: " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte version = in.get();
    if (version != VERSION_0 && version != VERSION_1) {
      throw new IllegalArgumentException("unknown stored vector format version " + version);
    }
    if (version == VERSION_1 && bytes.length < HEADER_BYTES_V1) {
      throw new IllegalArgumentException("stored vector too short for version 1: " + bytes.length + " bytes");
    }
    long modelVersion = in.getLong();
    long sequence = in.getLong();
    long updatedAt = in.getLong();
    float bias = version == VERSION_1 ? in.getFloat() : 0f;
    int dim = in.getInt();
    if (dim < 0 || in.remaining() != 4L * dim) {
      throw new IllegalArgumentException(
          "stored vector claims dim " + dim + " but has " + in.remaining() + " value bytes");
    }
    float[] vector = new float[dim];
    in.asFloatBuffer().get(vector);
    return new StoredVector(modelVersion, sequence, updatedAt, vector, bias);
  }
}

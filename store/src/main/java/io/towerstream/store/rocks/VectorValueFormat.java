package io.towerstream.store.rocks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte layout of a vector in the {@code users} and {@code items} column families. Version 0, all
 * little-endian:
 *
 * <pre>
 * u8  format version (0)
 * i64 modelVersion
 * i64 sequence
 * i64 updatedAt (epoch millis)
 * i32 dim
 * f32 × dim
 * </pre>
 *
 * A new layout gets a new version byte; readers keep decoding every older one.
 */
public final class VectorValueFormat {
  public static final byte VERSION_0 = 0;
  private static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 4;

  private VectorValueFormat() {}

  /** Encodes in the current version; does not mutate {@code value}. */
  public static byte[] encode(StoredVector value) {
    float[] v = value.vector();
    ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + 4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(VERSION_0).putLong(value.modelVersion()).putLong(value.sequence()).putLong(value.updatedAt())
        .putInt(v.length);
    out.asFloatBuffer().put(v);
    return out.array();
  }

  /** @throws IllegalArgumentException when the bytes are not a known version or are truncated */
  public static StoredVector decode(byte[] bytes) {
    if (bytes == null || bytes.length < HEADER_BYTES) {
      throw new IllegalArgumentException(
          "stored vector too short: " + (bytes == null ? "null" : bytes.length + " bytes"));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    byte version = in.get();
    if (version != VERSION_0) {
      throw new IllegalArgumentException("unknown stored vector format version " + version);
    }
    long modelVersion = in.getLong();
    long sequence = in.getLong();
    long updatedAt = in.getLong();
    int dim = in.getInt();
    if (dim < 0 || in.remaining() != 4L * dim) {
      throw new IllegalArgumentException(
          "stored vector claims dim " + dim + " but has " + in.remaining() + " value bytes");
    }
    float[] vector = new float[dim];
    in.asFloatBuffer().get(vector);
    return new StoredVector(modelVersion, sequence, updatedAt, vector);
  }
}

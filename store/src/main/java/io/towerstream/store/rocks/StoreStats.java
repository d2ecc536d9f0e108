package io.towerstream.store.rocks;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Counters kept in {@code meta} and updated in the same batch as the vectors, so they are exact
 * after any crash. Format version 0, little-endian: u8 version, i64 users, i64 items, i64
 * maxModelVersion, i64 newestUpdatedAt.
 *
 * @param maxModelVersion the highest model version of any applied update, -1 when none
 * @param newestUpdatedAt the highest {@code updatedAt} of any applied update (epoch ms), -1 when
 *     none
 */
public record StoreStats(long users, long items, long maxModelVersion, long newestUpdatedAt) {
  static final StoreStats EMPTY = new StoreStats(0, 0, -1, -1);
  private static final byte VERSION_0 = 0;

  byte[] encode() {
    return ByteBuffer.allocate(33)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(VERSION_0)
        .putLong(users)
        .putLong(items)
        .putLong(maxModelVersion)
        .putLong(newestUpdatedAt)
        .array();
  }

  static StoreStats decode(byte[] bytes) {
    if (bytes.length != 33 || bytes[0] != VERSION_0) {
      throw new IllegalArgumentException(
          "unknown store stats format (" + bytes.length + " bytes, version " + bytes[0] + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, 1, 32).order(ByteOrder.LITTLE_ENDIAN);
    return new StoreStats(in.getLong(), in.getLong(), in.getLong(), in.getLong());
  }
}

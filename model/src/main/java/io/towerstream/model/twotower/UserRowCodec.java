package io.towerstream.model.twotower;

import io.towerstream.model.UserRow;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One user's complete row as bytes: what a sharded trainer keeps per user in Flink keyed state.
 * Format 1: {@code version, dim, stateWidth, weights and optimizer state (dim + stateWidth floats),
 * last-active stamp, recency stamp, pending-publish flag, history length, history item ids (oldest
 * first)}. Big-endian, like snapshots.
 */
final class UserRowCodec {
  static final byte VERSION = 1;

  private UserRowCodec() {}

  static byte[] encode(ModelState s, int slot) {
    int dim = s.users.dim();
    int width = s.users.stateWidth();
    List<String> history = new ArrayList<>(s.histories.size(slot));
    s.histories.copyTo(slot, history);
    SnapshotWriter out = new SnapshotWriter(32 + 4 * (dim + width) + 16 * history.size());
    float[] row = new float[dim + width];
    s.users.copyRow(slot, row, 0);
    out.writeInt(VERSION)
        .writeInt(dim)
        .writeInt(width)
        .writeFloats(row, 0, row.length)
        .writeLong(s.users.lastUsed(slot))
        .writeLong(s.users.recencyStamp(slot))
        .writeBoolean(s.userChanges.isPending(slot))
        .writeInt(history.size());
    for (String item : history) {
      out.writeString(item);
    }
    return out.toByteArray();
  }

  /**
   * Adds saved rows to the user table in the recency order they had, so that eviction for room
   * picks the rows it would have picked. For users, activity (expiry) follows the same order: they
   * are used only as events' users, where both orders are updated together. Rows saved with another
   * optimizer keep their weights and start its state at zero, as snapshots do.
   *
   * @throws IllegalArgumentException when a row is corrupt, of another dimension, or its user is
   *     already in the table
   */
  static void importAll(ModelState s, List<UserRow> rows) {
    List<Decoded> decoded = new ArrayList<>(rows.size());
    for (UserRow r : rows) {
      decoded.add(decode(r, s.users.dim(), s.users.stateWidth()));
    }
    decoded.sort(Comparator.comparingLong(Decoded::recency).thenComparing(Decoded::userId));
    for (Decoded d : decoded) {
      if (s.users.slotOf(d.userId) >= 0) {
        throw new IllegalArgumentException("user " + d.userId + " is imported twice");
      }
      int slot = s.users.restoreRow(d.userId, d.row, 0, d.lastActive, d.recency);
      for (String item : d.history) {
        s.histories.add(slot, item);
      }
      if (d.pendingPublish) {
        s.userChanges.mark(slot);
      }
    }
  }

  private static Decoded decode(UserRow r, int dim, int width) {
    byte[] bytes = r.row();
    SnapshotReader in = SnapshotReader.over(bytes, 0, bytes.length);
    if (bytes.length < 12) {
      throw new IllegalArgumentException(
          "user row of " + r.userId() + " is corrupt: " + bytes.length + " bytes");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IllegalArgumentException(
          "user row of "
              + r.userId()
              + " has format "
              + version
              + "; this build reads format "
              + VERSION);
    }
    int storedDim = in.readInt();
    if (storedDim != dim) {
      throw new IllegalArgumentException(
          "user row of " + r.userId() + " has dim " + storedDim + " but model.dim is " + dim);
    }
    try {
      int storedWidth = in.readInt();
      SnapshotReader.check(storedWidth >= 1, "bad optimizer state width " + storedWidth);
      float[] stored = new float[dim + storedWidth];
      in.readFloats(stored, 0, stored.length);
      float[] row =
          storedWidth == width ? stored : Arrays.copyOf(Arrays.copyOf(stored, dim), dim + width);
      long lastActive = in.readLong();
      long recency = in.readLong();
      boolean pending = in.readBoolean();
      int n = in.readLength(4);
      List<String> history = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        history.add(in.readString());
      }
      in.requireFullyRead();
      return new Decoded(r.userId(), row, lastActive, recency, pending, history);
    } catch (RuntimeException e) { // underflow, negative lengths, trailing bytes
      throw new IllegalArgumentException("user row of " + r.userId() + " is corrupt: " + e, e);
    }
  }

  private record Decoded(
      String userId,
      float[] row,
      long lastActive,
      long recency,
      boolean pendingPublish,
      List<String> history) {}
}

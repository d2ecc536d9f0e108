package io.towerstream.model.snapshot;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * The envelope of a model snapshot: {@code MAGIC, FORMAT_VERSION, dim} first, the model body, then
 * a CRC-32 of everything before it. {@link #open} checks magic, version and dimension before the
 * checksum, so that a snapshot from a newer build is reported as such rather than as "corrupt".
 *
 * <p>Version history: 1 = the first format (tables with row-wise Adagrad, towers with Adam,
 * frequency estimator, reservoir, pending changes, counters, RNG states); 2 = adds the users'
 * recent-item histories and the popularity prior; 3 = adds the prior weight tuner; 4 = adds the
 * events other replicas of a sharded model trained; 5 = adds the loss's own head (SimSiam's
 * predictor, DINO's prototypes); 6 = adds the side-feature token table and each item's tokens; 7 =
 * adds the prior tuner's paired counts and the experience-replay buffer; 8 = adds the learned
 * history weights. Older versions are still read: histories and prior start empty (version 1),
 * tuning starts at the configured weight (versions 1 and 2), no remote events (versions 1 to 3), a
 * fresh loss head (1 to 4), no side features (1 to 5), the tuner's paired counts empty and no
 * replayed positives (1 to 6), history weights learned from the configured decay (1 to 7).
 */
public final class SnapshotFormat {
  /** "TWRS" (towerstream). */
  public static final int MAGIC = 0x54575253;

  public static final int FORMAT_VERSION = 8;

  /** The oldest version this build still reads. */
  public static final int OLDEST_READABLE_VERSION = 1;

  private static final int HEADER_BYTES = 12;
  private static final int TRAILER_BYTES = 8;

  private SnapshotFormat() {}

  /** A writer with the header already written. */
  public static SnapshotWriter begin(int dim) {
    SnapshotWriter out = new SnapshotWriter();
    out.writeInt(MAGIC).writeInt(FORMAT_VERSION).writeInt(dim);
    return out;
  }

  /** Appends the checksum and returns the finished snapshot. */
  public static byte[] finish(SnapshotWriter out) {
    return out.toByteArrayWithChecksum();
  }

  /**
   * Checks the header and the checksum and returns a reader positioned on the body.
   *
   * @throws IllegalArgumentException when the bytes are not a snapshot, the format version is
   *     unknown, the dimension differs from {@code expectedDim}, or the checksum does not match
   */
  public static SnapshotReader open(byte[] bytes, int expectedDim) {
    if (bytes == null || bytes.length < HEADER_BYTES + TRAILER_BYTES) {
      throw new IllegalArgumentException(
          "model snapshot is empty or truncated ("
              + (bytes == null ? 0 : bytes.length)
              + " bytes)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES);
    int magic = header.getInt();
    if (magic != MAGIC) {
      throw new IllegalArgumentException(
          String.format(
              "not a towerstream model snapshot (magic 0x%08x, expected 0x%08x)", magic, MAGIC));
    }
    int version = header.getInt();
    if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "unknown model snapshot format version "
              + version
              + "; this build reads versions "
              + OLDEST_READABLE_VERSION
              + " to "
              + FORMAT_VERSION);
    }
    int dim = header.getInt();
    if (dim != expectedDim) {
      throw new IllegalArgumentException(
          "model snapshot has dim " + dim + " but model.dim is " + expectedDim);
    }
    int bodyEnd = bytes.length - TRAILER_BYTES;
    CRC32 crc = new CRC32();
    crc.update(bytes, 0, bodyEnd);
    if (crc.getValue() != ByteBuffer.wrap(bytes, bodyEnd, TRAILER_BYTES).getLong()) {
      throw new IllegalArgumentException("model snapshot is corrupt: checksum mismatch");
    }
    return SnapshotReader.over(bytes, HEADER_BYTES, bodyEnd - HEADER_BYTES, version);
  }
}

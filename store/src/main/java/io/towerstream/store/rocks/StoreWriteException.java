package io.towerstream.store.rocks;

import java.nio.file.Path;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

/**
 * RocksDB refused a write of the embedding store (a full disk, an I/O error). The message names the
 * store path for the log; {@link #publicReason()} says what went wrong without any path or class
 * name, for the status document and readiness answers.
 */
public final class StoreWriteException extends RocksStoreException {
  private final String publicReason;

  public StoreWriteException(Path path, String operation, String key, RocksDBException cause) {
    super(path, operation, key, cause);
    this.publicReason = describe(cause);
  }

  /** What failed, e.g. "the disk is full" or "I/O error (File too large)"; no path, no class. */
  public String publicReason() {
    return publicReason;
  }

  static String describe(RocksDBException e) {
    Status status = e.getStatus();
    if (status != null && status.getSubCode() == Status.SubCode.NoSpace) {
      return "the disk is full";
    }
    String kind =
        status == null
            ? "error"
            : switch (status.getCode()) {
              case IOError -> "I/O error";
              case Corruption -> "corruption";
              default -> status.getCode().name();
            };
    String detail = lastSegment(e.getMessage());
    return detail == null ? kind : kind + " (" + detail + ")";
  }

  /**
   * The operating system's words at the end of a RocksDB message ("While appending to file:
   * /path/000004.log: File too large"), or null when they are missing or look like a path.
   */
  private static String lastSegment(String message) {
    if (message == null) {
      return null;
    }
    String tail = message.substring(message.lastIndexOf(": ") + 1).strip();
    if (tail.isEmpty() || tail.contains("/") || tail.contains("\\") || tail.length() > 80) {
      return null;
    }
    return tail;
  }
}

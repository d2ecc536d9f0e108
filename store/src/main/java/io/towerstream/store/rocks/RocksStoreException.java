package io.towerstream.store.rocks;

import java.nio.file.Path;

/**
 * A RocksDB operation of the embedding store failed; the message names the store path and the key.
 */
public class RocksStoreException extends RuntimeException {
  public RocksStoreException(Path path, String operation, String key, Throwable cause) {
    super(
        "RocksDB store "
            + path
            + ": cannot "
            + operation
            + (key == null ? "" : " key '" + key + "'")
            + ": "
            + (cause == null ? "" : cause.getMessage()),
        cause);
  }
}

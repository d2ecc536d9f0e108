package io.towerstream.store.http;

import java.nio.file.Path;
import java.util.Map;

/**
 * Takes a snapshot of the store into a new directory and describes it (for {@code POST
 * /v1/admin/snapshot}, which has already confined {@code path} to the snapshot directory).
 */
@FunctionalInterface
public interface SnapshotTaker {
  /**
   * @throws IllegalArgumentException when {@code path} already exists (answered with 409)
   * @throws IllegalStateException when the store is closed (503)
   */
  Map<String, Object> snapshot(Path path);
}

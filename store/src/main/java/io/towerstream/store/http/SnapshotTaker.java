package io.towerstream.store.http;

import java.nio.file.Path;
import java.util.Map;

/**
 * Takes a snapshot of the store into a new directory and describes it (for {@code POST
 * /v1/admin/snapshot}).
 */
@FunctionalInterface
public interface SnapshotTaker {
  /**
   * @throws IllegalArgumentException when {@code path} already exists (answered with 409)
   */
  Map<String, Object> snapshot(Path path);
}

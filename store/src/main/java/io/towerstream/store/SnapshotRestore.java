package io.towerstream.store;

import io.towerstream.store.rocks.EmbeddingStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link RetrievalStore#restoreSnapshot}: copy a checkpoint into an empty directory, check it
 * opens.
 */
final class SnapshotRestore {
  private SnapshotRestore() {}

  static Map<TopicPartition, Long> restore(Path snapshot, Path dbPath) {
    if (!Files.isRegularFile(snapshot.resolve("CURRENT"))) {
      throw new IllegalArgumentException(
          "not a store snapshot (no RocksDB CURRENT file): " + snapshot);
    }
    if (Files.exists(dbPath) && !isEmptyDirectory(dbPath)) {
      throw new IllegalArgumentException(
          "refusing to restore into " + dbPath + ": it exists and is not empty");
    }
    try {
      copyTree(snapshot, dbPath);
    } catch (IOException e) {
      deleteQuietly(dbPath);
      throw new UncheckedIOException("cannot copy snapshot " + snapshot + " to " + dbPath, e);
    }
    try (EmbeddingStore restored = EmbeddingStore.open(dbPath)) {
      return restored.lastOffsets();
    } catch (RuntimeException e) {
      deleteQuietly(dbPath);
      throw new IllegalArgumentException(
          "snapshot " + snapshot + " does not open as a store: " + e.getMessage(), e);
    }
  }

  private static boolean isEmptyDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(dir).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.copy(file, to.resolve(from.relativize(file).toString()));
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: the caller gets the original failure
    }
  }
}

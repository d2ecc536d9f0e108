package io.towerstream.cli.commands;

import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.store.RetrievalStore;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code towerstream store restore}: copies a snapshot into a new store directory with {@link
 * RetrievalStore#restoreSnapshot}; a store opened there resumes consuming after the snapshot's
 * offsets.
 */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = {
      "Restore a snapshot (from `towerstream store snapshot`) into a new store directory. A store "
          + "started on it (`towerstream serve --db-path DIR`) has the snapshot's vectors and resumes consuming after "
          + "its offsets. Never overwrites: DIR must not exist or be empty."
    })
public final class StoreRestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(names = "--from", required = true, description = "The snapshot (checkpoint) directory.")
  Path from;

  @Option(
      names = "--db",
      required = true,
      description = "The new store directory; must not exist or be empty.")
  Path db;

  @Override
  public Integer call() {
    if (!Files.isDirectory(from)) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--from': " + from + " is not a directory");
    }
    if (Files.exists(db) && !Files.isDirectory(db)) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--db': " + db + " is a file");
    }
    Map<TopicPartition, Long> offsets;
    try {
      offsets = RetrievalStore.restoreSnapshot(from, db);
    } catch (IllegalArgumentException e) {
      // not a snapshot, or a store directory that is not empty: the user's input, said as such
      throw new ParameterException(
          spec.commandLine(),
          "Cannot restore --from " + from + " into --db " + db + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "restored %s into %s; a store opened there resumes after these offsets:%n", from, db);
    offsets.entrySet().stream()
        .sorted(
            Map.Entry.comparingByKey(
                (a, b) ->
                    a.topic().equals(b.topic())
                        ? Integer.compare(a.partition(), b.partition())
                        : a.topic().compareTo(b.topic())))
        .forEach(
            e ->
                out.printf(
                    "  %s-%d: %d%n", e.getKey().topic(), e.getKey().partition(), e.getValue()));
    if (offsets.isEmpty()) {
      out.println("  (none: the snapshot was taken before anything was consumed)");
    }
    out.flush();
    return 0;
  }
}

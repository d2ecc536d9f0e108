package io.towerstream.cli.commands;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.towerstream.cli.export.ExportSources;
import io.towerstream.cli.export.ExportedVector;
import io.towerstream.cli.export.LatestVectors;
import io.towerstream.cli.export.NpyFile;
import io.towerstream.cli.export.ParquetExport;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.Entity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code towerstream export}: every user and/or item vector of one model version, from a store's
 * RocksDB (or a snapshot of it) or from the compacted topic, to NumPy {@code .npy} files with an
 * ids file and to Parquet, with a {@code manifest.json} that says what was written.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Export every user and/or item vector of one model version to files: <entity>.npy (float32, "
          + "one row per id), <entity>.ids.txt (the ids, one a line, in the rows' order), "
          + "<entity>.sequence.npy (int64) and items.bias.npy (float32); and <entity>.parquet (id, "
          + "vector, bias, sequence, modelVersion, updatedAt); plus manifest.json.",
      "Reads a store directory or snapshot (--store-dir, opened read-only: a running store may hold "
          + "it) or the compacted topic (--bootstrap-servers).",
      "Exit status: 0 done, 2 bad option, 4 nothing of that model version."
    },
    footer = {
      "",
      "Example: towerstream export --bootstrap-servers localhost:9092 --out embeddings-v1",
      "         python3 -c \"import numpy as np; print(np.load('embeddings-v1/items.npy').shape)\""
    })
public final class ExportCommand implements Callable<Integer> {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The files' formats. */
  enum Format {
    npy,
    parquet
  }

  /** The entity kinds, as named on the command line and in file names. */
  enum Kind {
    users(Entity.USER),
    items(Entity.ITEM);

    final Entity entity;

    Kind(Entity entity) {
      this.entity = entity;
    }
  }

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Option(
      names = "--out",
      required = true,
      description = "Directory to write into; created if missing, and must not hold files already.")
  Path out;

  @Option(
      names = "--store-dir",
      description =
          "Read a retrieval store's RocksDB directory (--db-path), or a snapshot of one "
              + "(towerstream store snapshot): each id's latest vector, as that store serves it.")
  Path storeDir;

  @Option(
      names = "--bootstrap-servers",
      description =
          "Read the compacted embeddings topic of this Kafka cluster instead, from its beginning to "
              + "its end: each id's latest vector within the model version.")
  String bootstrapServers;

  @Option(names = "--topic", description = "The embeddings topic (default: ${DEFAULT-VALUE}).")
  String topic = Topics.EMBEDDINGS.defaultName();

  @Option(
      names = "--model-version",
      description = "Model version to export (default: the newest there is).")
  Long modelVersion;

  @Option(
      names = "--entities",
      split = ",",
      defaultValue = "users,items",
      description = "users, items or both (default: ${DEFAULT-VALUE}).")
  Set<Kind> kinds;

  @Option(
      names = "--format",
      split = ",",
      defaultValue = "npy,parquet",
      description = "npy, parquet or both (default: ${DEFAULT-VALUE}).")
  Set<Format> formats;

  @Mixin KafkaClientOptions kafka;

  @Unmatched List<String> kafkaOptions = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    if ((storeDir == null) == (bootstrapServers == null)) {
      throw new ParameterException(
          spec.commandLine(), "Give exactly one of --store-dir and --bootstrap-servers");
    }
    checkOut();
    PrintWriter stdout = spec.commandLine().getOut();
    LatestVectors latest;
    String source;
    if (storeDir != null) {
      if (!kafkaOptions.isEmpty()) {
        throw new ParameterException(
            spec.commandLine(), "Unknown option " + kafkaOptions.get(0) + " (with --store-dir)");
      }
      try {
        latest = ExportSources.fromStore(storeDir);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "Invalid value for option '--store-dir': " + e.getMessage());
      }
      source = "store directory " + storeDir;
    } else {
      Map<String, String> client = kafka.properties(kafkaOptions);
      ExportSources.TopicRead read = ExportSources.fromTopic(bootstrapServers, topic, client);
      latest = read.latest();
      source = "topic " + topic + " on " + bootstrapServers;
      stdout.printf(
          "read %,d records of %s (%d undecodable, skipped)%n",
          read.records(), topic, read.undecodable());
    }
    long version;
    if (modelVersion != null) {
      version = modelVersion;
    } else if (latest.newestVersion().isPresent()) {
      version = latest.newestVersion().getAsLong();
    } else {
      spec.commandLine().getErr().println("towerstream export: no vectors in the " + source);
      return 4;
    }
    Files.createDirectories(out);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", "towerstream-embeddings-export");
    manifest.put("formatVersion", ParquetExport.FORMAT_VERSION);
    manifest.put("modelVersion", version);
    manifest.put("source", source);
    int exported = 0;
    for (Kind kind : EnumSet.copyOf(kinds)) {
      List<ExportedVector> rows = latest.select(kind.entity, version);
      manifest.put(kind.name(), write(kind, rows));
      exported += rows.size();
      stdout.printf(
          "%s: %,d vectors of model version %d, dimension %d%n",
          kind, rows.size(), version, dimension(rows));
    }
    Files.writeString(out.resolve("manifest.json"), JSON.writeValueAsString(manifest) + "\n");
    stdout.printf("wrote %s to %s%n", String.join(", ", fileNames()), out);
    stdout.flush();
    if (exported == 0) {
      spec.commandLine()
          .getErr()
          .println("towerstream export: no vectors of model version " + version);
      return 4;
    }
    return 0;
  }

  /** Writes one entity kind's files; what the manifest says of them. */
  private Map<String, Object> write(Kind kind, List<ExportedVector> rows) throws IOException {
    int dim = dimension(rows);
    Map<String, Object> files = new LinkedHashMap<>();
    files.put("count", rows.size());
    files.put("dimension", dim);
    List<String> written = new ArrayList<>();
    if (formats.contains(Format.npy)) {
      NpyFile.writeFloat32Matrix(
          out.resolve(kind + ".npy"), rows.stream().map(ExportedVector::vector).toList(), dim);
      Files.write(
          out.resolve(kind + ".ids.txt"),
          rows.stream().map(ExportedVector::id).toList(),
          StandardCharsets.UTF_8);
      NpyFile.writeInt64(
          out.resolve(kind + ".sequence.npy"),
          rows.stream().mapToLong(ExportedVector::sequence).toArray());
      written.addAll(List.of(kind + ".npy", kind + ".ids.txt", kind + ".sequence.npy"));
      if (kind == Kind.items) {
        float[] bias = new float[rows.size()];
        for (int i = 0; i < bias.length; i++) {
          bias[i] = rows.get(i).bias();
        }
        NpyFile.writeFloat32(out.resolve("items.bias.npy"), bias);
        written.add("items.bias.npy");
      }
    }
    if (formats.contains(Format.parquet)) {
      try {
        ParquetExport.write(out.resolve(kind + ".parquet"), rows);
      } catch (NoClassDefFoundError e) {
        // the store's container image ships without Parquet and Hadoop (see
        // docker/Dockerfile.store)
        throw new IllegalArgumentException(
            "this installation has no Parquet libraries (parquet-*, hadoop-client-*): use --format npy",
            e);
      }
      written.add(kind + ".parquet");
    }
    files.put("files", written);
    return files;
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** The rows' common dimension (0 when there are none); every row must have it. */
  private static int dimension(List<ExportedVector> rows) {
    int dim = rows.isEmpty() ? 0 : rows.get(0).vector().length;
    for (ExportedVector v : rows) {
      if (v.vector().length != dim) {
        throw new IllegalStateException(
            "vectors of one model version differ in dimension: "
                + dim
                + " and "
                + v.vector().length
                + " ("
                + v.id()
                + ")");
      }
    }
    return dim;
  }

  private void checkOut() throws IOException {
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new ParameterException(
          spec.commandLine(), "Invalid value for option '--out': " + out + " is a file");
    }
    if (Files.isDirectory(out)) {
      try (Stream<Path> files = Files.list(out)) {
        if (files.findAny().isPresent()) {
          throw new ParameterException(
              spec.commandLine(),
              "Invalid value for option '--out': "
                  + out
                  + " is not empty (export never overwrites)");
        }
      }
    }
  }
}

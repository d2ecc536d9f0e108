package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.examples.Python3;
import io.towerstream.cli.export.NpyReader;
import io.towerstream.cli.export.ParquetExport;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code towerstream export} from a real RocksDB store, held open by its writer as a running store
 * holds it: the {@code .npy} files (read back by a reader of the format, and by numpy where it is
 * installed) and the Parquet files (read back by parquet-avro) hold exactly the stored vectors of
 * the chosen model version, in the same order as the ids file.
 */
class ExportCommandTest {
  private static final int DIM = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void exportsEveryVectorOfTheNewestVersionToNpyAndParquetThatReadBackEqual(@TempDir Path dir)
      throws Exception {
    Map<Entity, TreeMap<String, StoredVector>> stored = new java.util.EnumMap<>(Entity.class);
    Path db = dir.resolve("store");
    try (EmbeddingStore store = EmbeddingStore.open(db)) {
      fill(store, stored);
      Path out = dir.resolve("out");
      CliRun run = CliRun.of("export", "--store-dir", db.toString(), "--out", out.toString());

      assertThat(run.exitCode()).as(run.err()).isZero();
      assertThat(run.out())
          .contains("users: 30 vectors of model version 2, dimension 8")
          .contains("items: 40 vectors of model version 2, dimension 8");
      for (Entity entity : Entity.values()) {
        List<Map.Entry<String, StoredVector>> expected = ofVersion(stored.get(entity), 2);
        String name = entity == Entity.USER ? "users" : "items";
        assertThat(Files.readAllLines(out.resolve(name + ".ids.txt")))
            .containsExactlyElementsOf(expected.stream().map(Map.Entry::getKey).toList());
        float[][] vectors = NpyReader.read(out.resolve(name + ".npy")).float32Matrix();
        long[] sequence = NpyReader.read(out.resolve(name + ".sequence.npy")).int64();
        assertThat(vectors).hasNumberOfRows(expected.size());
        for (int i = 0; i < expected.size(); i++) {
          assertThat(vectors[i]).containsExactly(expected.get(i).getValue().vector());
          assertThat(sequence[i]).isEqualTo(expected.get(i).getValue().sequence());
        }
        assertParquetHolds(out.resolve(name + ".parquet"), expected);
        assertNumpyReads(out, name, expected);
      }
      float[] bias = NpyReader.read(out.resolve("items.bias.npy")).float32();
      List<Map.Entry<String, StoredVector>> items = ofVersion(stored.get(Entity.ITEM), 2);
      for (int i = 0; i < items.size(); i++) {
        assertThat(bias[i]).isEqualTo(items.get(i).getValue().bias());
      }
      JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
      assertThat(manifest.path("modelVersion").asLong()).isEqualTo(2);
      assertThat(manifest.path("items").path("count").asInt()).isEqualTo(40);
      assertThat(manifest.path("users").path("dimension").asInt()).isEqualTo(DIM);
    }
  }

  @Test
  void exportsAnOlderVersionOneEntityOneFormat(@TempDir Path dir) throws Exception {
    Map<Entity, TreeMap<String, StoredVector>> stored = new java.util.EnumMap<>(Entity.class);
    Path db = dir.resolve("store");
    try (EmbeddingStore store = EmbeddingStore.open(db)) {
      fill(store, stored);
    }
    Path out = dir.resolve("v1");
    CliRun run =
        CliRun.of(
            "export",
            "--store-dir",
            db.toString(),
            "--out",
            out.toString(),
            "--model-version",
            "1",
            "--entities",
            "items",
            "--format",
            "parquet");

    assertThat(run.exitCode()).as(run.err()).isZero();
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("items.parquet", "manifest.json");
    }
    assertParquetHolds(out.resolve("items.parquet"), ofVersion(stored.get(Entity.ITEM), 1));
  }

  @Test
  void refusesToOverwriteAndSaysWhatIsNotAStore(@TempDir Path dir) throws IOException {
    Path out = Files.createDirectories(dir.resolve("out"));
    Files.writeString(out.resolve("users.npy"), "old");
    Path notAStore = Files.createDirectories(dir.resolve("empty"));

    CliRun overwrite =
        CliRun.of("export", "--store-dir", notAStore.toString(), "--out", out.toString());
    CliRun missing =
        CliRun.of(
            "export", "--store-dir", notAStore.toString(), "--out", dir.resolve("x").toString());
    CliRun neither = CliRun.of("export", "--out", dir.resolve("y").toString());

    assertThat(overwrite.exitCode()).isEqualTo(2);
    assertThat(overwrite.err()).contains("is not empty (export never overwrites)");
    assertThat(Files.readString(out.resolve("users.npy"))).isEqualTo("old");
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("--store-dir").contains("not a store directory");
    assertThat(neither.exitCode()).isEqualTo(2);
    assertThat(neither.err()).contains("exactly one of --store-dir and --bootstrap-servers");
  }

  /**
   * 30 users and 40 items of model version 2, 10 items still of version 1; random unit vectors,
   * biases and sequences (seeded).
   */
  private static void fill(
      EmbeddingStore store, Map<Entity, TreeMap<String, StoredVector>> stored) {
    Random random = new Random(5);
    List<EmbeddingMutation> mutations = new ArrayList<>();
    stored.put(Entity.USER, new TreeMap<>());
    stored.put(Entity.ITEM, new TreeMap<>());
    for (int i = 0; i < 80; i++) {
      Entity entity = i < 30 ? Entity.USER : Entity.ITEM;
      String id = (entity == Entity.USER ? "u" : "i") + i + (i % 7 == 0 ? "-é" : "");
      float[] vector = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        vector[d] = (float) random.nextGaussian();
      }
      StoredVector v =
          new StoredVector(
              i >= 70 ? 1 : 2,
              1 + random.nextInt(1000),
              1_700_000_000_000L + i,
              vector,
              entity == Entity.ITEM ? (float) random.nextGaussian() : 0f);
      stored.get(entity).put(id, v);
      mutations.add(EmbeddingMutation.upsert(entity, id, v, "test"));
    }
    store.write(StoreBatch.of(mutations));
  }

  private static List<Map.Entry<String, StoredVector>> ofVersion(
      TreeMap<String, StoredVector> vectors, long version) {
    return vectors.entrySet().stream().filter(e -> e.getValue().modelVersion() == version).toList();
  }

  private static void assertParquetHolds(Path file, List<Map.Entry<String, StoredVector>> expected)
      throws IOException {
    List<GenericRecord> rows = new ArrayList<>();
    try (ParquetReader<GenericRecord> reader =
        AvroParquetReader.<GenericRecord>builder(
                new LocalInputFile(file), new PlainParquetConfiguration())
            .build()) {
      for (GenericRecord r = reader.read(); r != null; r = reader.read()) {
        rows.add(r);
      }
    }
    assertThat(rows).hasSize(expected.size());
    for (int i = 0; i < rows.size(); i++) {
      GenericRecord r = rows.get(i);
      StoredVector v = expected.get(i).getValue();
      assertThat(r.get("id").toString()).isEqualTo(expected.get(i).getKey());
      @SuppressWarnings("unchecked")
      List<Float> vector = (List<Float>) r.get("vector");
      float[] floats = new float[vector.size()];
      for (int d = 0; d < floats.length; d++) {
        floats[d] = vector.get(d);
      }
      assertThat(floats).containsExactly(v.vector());
      assertThat((Float) r.get("bias")).isEqualTo(v.bias());
      assertThat((Long) r.get("sequence")).isEqualTo(v.sequence());
      assertThat((Long) r.get("modelVersion")).isEqualTo(v.modelVersion());
      // a timestamp column: parquet-avro's reader hands it out as an Instant
      assertThat((Instant) r.get("updatedAt")).isEqualTo(Instant.ofEpochMilli(v.updatedAt()));
    }
    try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
      assertThat(reader.getFooter().getFileMetaData().getKeyValueMetaData())
          .containsEntry(ParquetExport.FORMAT_VERSION_KEY, "1");
    }
  }

  /** numpy, where installed, reads the same values: dtype, shape and every number. */
  private static void assertNumpyReads(
      Path out, String name, List<Map.Entry<String, StoredVector>> expected) throws Exception {
    Optional<Python3> python = Python3.optional("numpy");
    if (python.isEmpty()) {
      return;
    }
    String script =
        "import json, sys, numpy as np\n"
            + "v = np.load(sys.argv[1] + '.npy')\n"
            + "s = np.load(sys.argv[1] + '.sequence.npy')\n"
            + "ids = open(sys.argv[1] + '.ids.txt', encoding='utf-8').read().splitlines()\n"
            + "print(json.dumps({'dtype': str(v.dtype), 'shape': list(v.shape), 'ids': ids,\n"
            + "  'vectors': v.tolist(), 'sequence': s.tolist(), 'seqtype': str(s.dtype)}))\n";
    Python3.Result run =
        python.get().run(out, List.of("-c", script, out.resolve(name).toString()), 60);
    assertThat(run.exitCode()).as(run.output()).isZero();
    JsonNode read = JSON.readTree(run.output());
    assertThat(read.path("dtype").asText()).isEqualTo("float32");
    assertThat(read.path("seqtype").asText()).isEqualTo("int64");
    assertThat(read.path("shape").get(0).asInt()).isEqualTo(expected.size());
    assertThat(read.path("shape").get(1).asInt()).isEqualTo(DIM);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(read.path("ids").get(i).asText()).isEqualTo(expected.get(i).getKey());
      assertThat(read.path("sequence").get(i).asLong())
          .isEqualTo(expected.get(i).getValue().sequence());
      float[] row = new float[DIM];
      for (int d = 0; d < DIM; d++) {
        row[d] = (float) read.path("vectors").get(i).get(d).asDouble();
      }
      assertThat(row).containsExactly(expected.get(i).getValue().vector());
    }
  }
}

package io.towerstream.cli.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.towerstream.cli.commands.TowerstreamCommand;
import io.towerstream.cli.demo.ClickRuns;
import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.export.NpyReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.query.RetrievalService;
import io.towerstream.store.query.UnknownEntityException;
import io.towerstream.store.rocks.StoredVector;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code examples/python/consume_embeddings.py} with a real Python Kafka client against the
 * pipeline's own topic: after a short run, every vector it decoded is the store's, bit for bit,
 * with the same model version, sequence and bias; a tombstone withdraws its key from both, and a
 * record of an unknown writer schema is refused by its fingerprint, not misread.
 */
class PythonConsumerITCase {
  private static final Path SCRIPT =
      Path.of("..", "examples", "python", "consume_embeddings.py").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void thePythonConsumerDecodesEveryLatestVectorTheStoreServes(@TempDir Path dir) throws Exception {
    Python3 python = Python3.require("confluent_kafka", "avro", "numpy");
    List<ClickRecord> clicks = clicks();
    try (DemoStack stack =
        DemoStack.start(dir, 0, "127.0.0.1", 0, 0, List.of("--publish.interval-ms", "500"))) {
      ClickRuns.replayAndAwait(stack, clicks);
      RetrievalService store = stack.store().service();
      // a tombstone withdraws item-0; a record of a writer schema nobody knows must be refused
      byte[] unknownWriter =
          Topics.EMBEDDINGS
              .codec()
              .encode(
                  EmbeddingUpdate.newBuilder()
                      .setEntity(Entity.ITEM)
                      .setId("item-1")
                      .setVector(List.of(1f, 0f))
                      .setModelVersion(99)
                      .setSequence(1)
                      .setUpdatedAt(Instant.now())
                      .build());
      unknownWriter[2] ^= 0x5a; // the fingerprint's first byte: a writer schema nobody has
      send(stack.bootstrapServers(), "ITEM:item-0", null);
      send(stack.bootstrapServers(), "ITEM:item-1", unknownWriter);
      assertThat(stack.store().awaitCaughtUp(Duration.ofSeconds(30))).isTrue();

      Path jsonl = dir.resolve("latest.jsonl");
      Python3.Result run =
          python.run(
              dir,
              List.of(
                  SCRIPT.toString(),
                  "--bootstrap-servers",
                  stack.bootstrapServers(),
                  "--jsonl",
                  jsonl.toString(),
                  "--user",
                  "user-1",
                  "--k",
                  "3"),
              120);
      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output())
          .contains("skipping ITEM:item-1")
          .contains("unknown writer schema fingerprint")
          .contains("1 undecodable");

      Map<String, JsonNode> decoded = new HashMap<>();
      for (String line : Files.readAllLines(jsonl)) {
        JsonNode update = JSON.readTree(line);
        decoded.put(update.path("key").asText(), update);
      }
      Set<String> expected = new HashSet<>();
      for (ClickRecord c : clicks) {
        expected.add("USER:" + c.userId());
        expected.add("ITEM:" + c.itemId());
      }
      expected.remove("ITEM:item-0");
      assertThat(decoded.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThatThrownBy(() -> store.embedding(Entity.ITEM, "item-0"))
          .isInstanceOf(UnknownEntityException.class);

      for (JsonNode update : decoded.values()) {
        Entity entity = Entity.valueOf(update.path("entity").asText());
        StoredVector served = store.embedding(entity, update.path("id").asText());
        assertThat(update.path("modelVersion").asLong()).isEqualTo(served.modelVersion());
        assertThat(update.path("sequence").asLong()).isEqualTo(served.sequence());
        assertThat((float) update.path("bias").asDouble()).isEqualTo(served.bias());
        float[] vector = new float[update.path("vector").size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = (float) update.path("vector").get(i).asDouble();
        }
        assertThat(vector).as(update.path("key").asText()).containsExactly(served.vector());
      }

      // towerstream export, from the topic and from the running store's own directory, agrees
      for (List<String> source :
          List.of(
              List.of("--bootstrap-servers", stack.bootstrapServers()),
              List.of("--store-dir", dir.resolve("store").toString()))) {
        Path out = dir.resolve("export-" + source.get(0).substring(2));
        List<String> args = new ArrayList<>(List.of("export", "--out", out.toString()));
        args.addAll(source);
        StringWriter printed = new StringWriter();
        CommandLine cli = TowerstreamCommand.commandLine(Map.of());
        cli.setOut(new PrintWriter(printed, true));
        cli.setErr(new PrintWriter(printed, true));
        assertThat(cli.execute(args.toArray(String[]::new))).as(printed.toString()).isZero();
        for (Entity entity : Entity.values()) {
          String name = entity == Entity.USER ? "users" : "items";
          List<String> ids = Files.readAllLines(out.resolve(name + ".ids.txt"));
          float[][] vectors = NpyReader.read(out.resolve(name + ".npy")).float32Matrix();
          long[] sequence = NpyReader.read(out.resolve(name + ".sequence.npy")).int64();
          assertThat(ids)
              .as(source.get(0))
              .containsExactlyInAnyOrderElementsOf(
                  decoded.values().stream()
                      .filter(u -> u.path("entity").asText().equals(entity.name()))
                      .map(u -> u.path("id").asText())
                      .toList());
          for (int i = 0; i < ids.size(); i++) {
            StoredVector served = store.embedding(entity, ids.get(i));
            assertThat(vectors[i]).containsExactly(served.vector());
            assertThat(sequence[i]).isEqualTo(served.sequence());
          }
        }
      }

      // numpy's ranking of user-1 (user . item + bias) starts where the store's does
      List<ScoredItem> served = store.candidatesForUser("user-1", 2, Set.of()).candidates();
      String first = run.output().lines().filter(l -> l.matches("\\s+1\\s.*")).findFirst().get();
      if (served.get(0).score() - served.get(1).score() > 1e-4) {
        assertThat(first.trim().split("\\s+")[1]).isEqualTo(served.get(0).itemId());
      }
    }
  }

  private static List<ClickRecord> clicks() {
    List<ClickRecord> clicks = new ArrayList<>();
    Random random = new Random(23);
    for (int i = 0; i < 3_000; i++) {
      String user = "user-" + random.nextInt(80);
      String item =
          "item-" + (random.nextInt(10) < 8 ? random.nextInt(20) : 20 + random.nextInt(40));
      clicks.add(new ClickRecord(user, item, 1_700_000_000_000L + i * 1000L, i + 1));
    }
    return clicks;
  }

  private static void send(String bootstrap, String key, byte[] value) throws Exception {
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(Topics.EMBEDDINGS.defaultName(), key, value)).get();
    }
  }
}

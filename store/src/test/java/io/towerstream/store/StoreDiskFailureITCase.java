package io.towerstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoredVector;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RocksDB's writes really failing under a running store, and coming back. The store runs as a child
 * process; the test lowers that process's file-size limit ({@code RLIMIT_FSIZE}, with {@code
 * prlimit}) to 0, so every write RocksDB makes to its write-ahead log fails with {@code EFBIG}
 * ("File too large"), the way a full disk fails them, until the limit is raised again. No mock: the
 * store's own RocksDB sees the operating system refuse its writes.
 *
 * <p>While writes fail: {@code /ready} answers 503 with a reason that names no path or class,
 * {@code /v1/status} says the store is not writable, the metrics count the failure, and queries
 * keep answering from what is stored. Once writes succeed again: ingest resumes by itself and every
 * update sent is applied exactly once (none lost, none stale), the stored values are the latest of
 * every key, and the stored offsets are the ends of the partitions.
 */
class StoreDiskFailureITCase {
  private static final int DIM = 8;
  private static final int KEYS = 400;
  private static final int PER_PHASE = 3_000;

  @TempDir Path dir;

  @Test
  void writesRefusedByTheDiskMakeTheStoreUnreadyAndItResumesWithoutLosingAnUpdate()
      throws Exception {
    assumeTrue(prlimitWorks(), "needs Linux prlimit(1) to limit a child's file sizes");
    Map<String, StoredVector> latest = new HashMap<>();
    Random random = new Random(22);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start()) {
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicNames.defaults(), 3, (short) 1);
      Path db = dir.resolve("db");
      try (StoreProcess store =
          StoreProcess.start(
              broker.bootstrapServers(),
              db,
              dir.resolve("store.log"),
              "--max-poll-records",
              "200",
              "--poll-timeout-ms",
              "50")) {
        produce(broker.bootstrapServers(), random, 0, latest);
        awaitStatus(store, s -> s.get("updatesApplied").asLong() == PER_PHASE, "first updates");
        store.awaitReady(Duration.ofSeconds(60));
        String original = fileSizeLimit(store.pid());

        prlimit(store.pid(), "0:"); // the soft limit; the hard one stays, so it can be raised
        produce(broker.bootstrapServers(), random, PER_PHASE, latest);
        JsonNode failing =
            awaitStatus(
                store, s -> !s.get("storeWritable").asBoolean(), "the store to report failure");
        String reason = failing.get("storeWriteError").asText();
        assertThat(reason).contains("File too large");
        assertNamesNoInternals(reason, db);
        assertNamesNoInternals(failing.get("lastError").asText(), db);
        HttpResponse<String> ready = store.get("/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(ready.body()).contains("the store cannot write").contains("File too large");
        assertNamesNoInternals(ready.body(), db);
        String metrics = store.get("/metrics").body();
        assertThat(metricValue(metrics, "towerstream_store_write_failures_total")).isPositive();
        assertThat(metricValue(metrics, "towerstream_store_writable")).isZero();

        // it stays so, applying nothing, and still answers from what it has
        Thread.sleep(2_000);
        JsonNode still = store.getJson("/v1/status");
        assertThat(still.get("storeWritable").asBoolean()).isFalse();
        assertThat(still.get("updatesApplied").asLong()).isEqualTo(PER_PHASE);
        assertThat(store.get("/ready").statusCode()).isEqualTo(503);
        String someItem =
            latest.keySet().stream()
                .filter(k -> k.startsWith("ITEM:"))
                .findFirst()
                .orElseThrow()
                .substring("ITEM:".length());
        store.getJson("/v1/embeddings/item/" + someItem);
        store.getJson("/v1/items/" + someItem + "/similar?k=5");

        prlimit(store.pid(), original + ":");
        JsonNode recovered =
            awaitStatus(
                store,
                s -> s.get("updatesApplied").asLong() == 2L * PER_PHASE,
                "every update to be applied after the disk came back");
        store.awaitReady(Duration.ofSeconds(30));
        assertThat(recovered.get("storeWritable").asBoolean()).isTrue();
        assertThat(recovered.get("storeWriteError").isNull()).isTrue();
        assertThat(recovered.get("storeWriteFailures").asLong()).isPositive();
        assertThat(recovered.get("staleIgnored").asLong()).as("nothing applied twice").isZero();
        assertThat(recovered.get("consumerLag").asLong()).isZero();
        store.stop();
      }

      Map<TopicPartition, Long> ends =
          StoreProcess.embeddingsEndOffsets(broker.bootstrapServers(), 3);
      try (EmbeddingStore reopened = EmbeddingStore.open(db)) {
        Map<String, StoredVector> stored = new HashMap<>();
        reopened.forEach(Entity.USER, (id, v) -> stored.put("USER:" + id, v));
        reopened.forEach(Entity.ITEM, (id, v) -> stored.put("ITEM:" + id, v));
        assertThat(stored).isEqualTo(latest);
        Map<TopicPartition, Long> offsets = reopened.lastOffsets();
        ends.forEach((tp, end) -> assertThat(offsets.get(tp)).as(tp.toString()).isEqualTo(end - 1));
      }
    }
  }

  /**
   * Sends {@link #PER_PHASE} updates over {@link #KEYS} keys with rising sequences from {@code
   * firstSequence}, so each one supersedes the key's last; records each key's latest.
   */
  private static void produce(
      String bootstrapServers,
      Random random,
      long firstSequence,
      Map<String, StoredVector> latest) {
    Map<String, Object> props =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < PER_PHASE; i++) {
        long sequence = firstSequence + i;
        int key = random.nextInt(KEYS);
        Entity entity = key % 4 == 0 ? Entity.USER : Entity.ITEM;
        String id = (entity == Entity.USER ? "u" : "i") + key;
        float[] vector = TestRecords.unitVector(random, DIM);
        latest.put(
            Topics.embeddingKey(entity, id),
            new StoredVector(1, sequence, TestRecords.T0 + sequence, vector));
        byte[] bytes =
            Topics.EMBEDDINGS.codec().encode(TestRecords.update(entity, id, vector, 1, sequence));
        producer.send(
            new ProducerRecord<>(
                Topics.EMBEDDINGS.defaultName(),
                Topic.key(Topics.embeddingKey(entity, id)),
                bytes));
      }
      producer.flush();
    }
  }

  private static JsonNode awaitStatus(StoreProcess store, Predicate<JsonNode> done, String what)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    JsonNode status = null;
    while (System.nanoTime() < deadline) {
      status = store.getJson("/v1/status");
      if (done.test(status)) {
        return status;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(
        "timed out waiting for " + what + "; last status " + status + "\n" + store.log());
  }

  private static void assertNamesNoInternals(String text, Path db) {
    assertThat(text)
        .doesNotContain(db.toString())
        .doesNotContain(".log")
        .doesNotContain("Exception")
        .doesNotContain("org.rocksdb")
        .doesNotContain("io.towerstream");
  }

  private static double metricValue(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in the scrape"));
  }

  /** The soft file-size limit of {@code pid}, as prlimit writes it ("unlimited" or bytes). */
  private static String fileSizeLimit(long pid) throws IOException, InterruptedException {
    return run("prlimit", "--pid", Long.toString(pid), "--fsize", "--output=SOFT", "--noheadings")
        .strip();
  }

  private static void prlimit(long pid, String limits) throws IOException, InterruptedException {
    run("prlimit", "--pid", Long.toString(pid), "--fsize=" + limits);
  }

  private static boolean prlimitWorks() {
    try {
      return !fileSizeLimit(ProcessHandle.current().pid()).isEmpty();
    } catch (IOException | InterruptedException | AssertionError e) {
      return false;
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    return out;
  }
}

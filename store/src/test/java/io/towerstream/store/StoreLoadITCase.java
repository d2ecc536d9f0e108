package io.towerstream.store;

import static io.towerstream.store.TestRecords.unitVector;
import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.kafka.embedded.EmbeddedKafkaBroker;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.TopicProvisioner;
import io.towerstream.schemas.TopicProvisioner.TopicNames;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store under load, through its real Kafka ingest and HTTP API: two client threads query as
 * fast as they can for {@code store.load.seconds} (300 by default, as the README's test command
 * runs it) while 1,000 updates/s stream in. No request may fail, the retained heap (old generation
 * after collections) and the process's RSS must not keep growing, and the latency percentiles are
 * printed.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StoreLoadITCase {
  private static final int SECONDS = Integer.getInteger("store.load.seconds", 300);
  private static final int DIM = 64;
  private static final int ITEMS = 20_000;
  private static final int USERS = 20_000;
  private static final int UPDATES_PER_SECOND = 1_000;
  private static final int CLIENTS = 2;

  @Test
  void twoClientsAtFullRateWhileUpdatesStreamInFailNothingAndGrowNothing(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.temporary().start();
        KafkaProducer<byte[], byte[]> producer = producer(broker.bootstrapServers())) {
      TopicProvisioner.ensureTopics(broker.bootstrapServers(), TopicNames.defaults(), 2, (short) 1);
      Random random = new Random(5);
      AtomicLong sequence = new AtomicLong(1);
      for (int i = 0; i < ITEMS; i++) {
        send(producer, Entity.ITEM, "item-" + i, random, sequence.getAndIncrement());
      }
      for (int u = 0; u < USERS; u++) {
        send(producer, Entity.USER, "user-" + u, random, sequence.getAndIncrement());
      }
      producer.flush();
      try (RetrievalStore store =
          RetrievalStore.open(
                  StoreConfig.builder()
                      .bootstrapServers(broker.bootstrapServers())
                      .dbPath(dir.resolve("db"))
                      .httpPort(0)
                      .build())
              .start()) {
        // A bound on liveness, not a speed target: a machine that other builds share can take
        // minutes to ingest the 40,000 records.
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (store.status().usersEmbedded() < USERS || store.status().itemsEmbedded() < ITEMS) {
          assertThat(System.nanoTime()).as("initial load").isLessThan(deadline);
          Thread.sleep(100);
        }
        String base = "http://127.0.0.1:" + store.port();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong updates = new AtomicLong();
        AtomicLong failures = new AtomicLong();
        List<String> firstFailures = java.util.Collections.synchronizedList(new ArrayList<>());

        Thread updater =
            new Thread(
                () -> {
                  Random r = new Random(6);
                  long started = System.nanoTime();
                  while (running.get()) {
                    long due = (long) (UPDATES_PER_SECOND * ((System.nanoTime() - started) / 1e9));
                    while (updates.get() < due) {
                      boolean item = r.nextBoolean();
                      send(
                          producer,
                          item ? Entity.ITEM : Entity.USER,
                          (item ? "item-" : "user-") + r.nextInt(item ? ITEMS : USERS),
                          r,
                          sequence.getAndIncrement());
                      updates.incrementAndGet();
                    }
                    sleep(5);
                  }
                },
                "load-updater");
        List<long[]> latencies = new ArrayList<>();
        List<Thread> clients = new ArrayList<>();
        int[] counts = new int[CLIENTS];
        for (int c = 0; c < CLIENTS; c++) {
          long[] nanos = new long[SECONDS * 5_000];
          latencies.add(nanos);
          int id = c;
          clients.add(
              new Thread(
                  () -> {
                    HttpClient http =
                        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                    Random r = new Random(100 + id);
                    int n = 0;
                    while (running.get() && n < nanos.length) {
                      String path =
                          r.nextInt(10) == 0
                              ? "/v1/items/item-" + r.nextInt(ITEMS) + "/similar?k=10"
                              : "/v1/users/user-" + r.nextInt(USERS) + "/candidates?k=10";
                      long t0 = System.nanoTime();
                      try {
                        HttpResponse<String> response =
                            http.send(
                                HttpRequest.newBuilder(URI.create(base + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (response.statusCode() != 200) {
                          failures.incrementAndGet();
                          if (firstFailures.size() < 5) {
                            firstFailures.add(
                                path + " -> " + response.statusCode() + " " + response.body());
                          }
                        }
                      } catch (IOException | InterruptedException e) {
                        failures.incrementAndGet();
                        if (firstFailures.size() < 5) {
                          firstFailures.add(path + " -> " + e);
                        }
                      }
                      nanos[n++] = System.nanoTime() - t0;
                    }
                    counts[id] = n;
                  },
                  "load-client-" + c));
        }

        List<long[]> memory = new ArrayList<>(); // {seconds, retained heap bytes, rss bytes}
        long started = System.nanoTime();
        updater.start();
        clients.forEach(Thread::start);
        while (System.nanoTime() - started < SECONDS * 1_000_000_000L) {
          Thread.sleep(5_000);
          memory.add(
              new long[] {(System.nanoTime() - started) / 1_000_000_000L, retainedHeap(), rss()});
        }
        running.set(false);
        for (Thread t : clients) {
          t.join();
        }
        updater.join();
        double seconds = (System.nanoTime() - started) / 1e9;
        // every update sent (the initial load and the stream) must be applied, each key's sequence
        // rising, so none may be stale: counted, not merely sent
        producer.flush();
        long sent = ITEMS + USERS + updates.get();
        long drainDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (store.status().updatesApplied() < sent && System.nanoTime() < drainDeadline) {
          Thread.sleep(100);
        }

        long[] all = new long[Arrays.stream(counts).sum()];
        int at = 0;
        for (int c = 0; c < CLIENTS; c++) {
          System.arraycopy(latencies.get(c), 0, all, at, counts[c]);
          at += counts[c];
        }
        Arrays.sort(all);
        long[] first = average(memory.subList(0, Math.max(1, memory.size() / 5)));
        long[] last =
            average(memory.subList(memory.size() - Math.max(1, memory.size() / 5), memory.size()));
        System.out.printf(
            "StoreLoadITCase: %d s, %d clients: %,d requests (%.0f/s), %d failed; p50 %.2f ms, p99 %.2f ms, "
                + "p99.9 %.2f ms, max %.2f ms; %,d updates streamed (%.0f/s), %d applied; retained heap %d -> %d MB, "
                + "RSS %d -> %d MB (first and last fifth of the run)%n",
            SECONDS,
            CLIENTS,
            all.length,
            all.length / seconds,
            failures.get(),
            ms(all, 0.50),
            ms(all, 0.99),
            ms(all, 0.999),
            all[all.length - 1] / 1e6,
            updates.get(),
            updates.get() / seconds,
            store.status().updatesApplied(),
            first[1] >> 20,
            last[1] >> 20,
            first[2] >> 20,
            last[2] >> 20);

        assertThat(failures.get()).as("failed requests, e.g. %s", firstFailures).isZero();
        assertThat(updates.get())
            .as("updates streamed")
            .isGreaterThan((long) (0.9 * UPDATES_PER_SECOND * SECONDS));
        assertThat(store.status().updatesApplied()).as("updates applied").isEqualTo(sent);
        assertThat(store.status().staleIgnored()).as("updates ignored as stale").isZero();
        assertThat(last[1])
            .as("retained heap, last fifth against first")
            .isLessThan(first[1] * 3 / 2 + (64L << 20));
        assertThat(last[2])
            .as("RSS, last fifth against first")
            .isLessThan(first[2] * 5 / 4 + (256L << 20));
      }
    }
  }

  private static double ms(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e6;
  }

  private static long[] average(List<long[]> samples) {
    long[] out = new long[3];
    for (long[] s : samples) {
      for (int i = 1; i < 3; i++) {
        out[i] += s[i] / samples.size();
      }
    }
    return out;
  }

  /**
   * The heap in use right after the most recent collection (eden is then empty): what the heap
   * retains, free of garbage not yet collected, without forcing a collection that would distort the
   * latencies.
   */
  private static long retainedHeap() {
    long bytes = -1;
    long latest = -1;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof com.sun.management.GarbageCollectorMXBean g
          && g.getLastGcInfo() != null
          && g.getLastGcInfo().getEndTime() > latest) {
        latest = g.getLastGcInfo().getEndTime();
        bytes =
            g.getLastGcInfo().getMemoryUsageAfterGc().values().stream()
                .mapToLong(MemoryUsage::getUsed)
                .sum();
      }
    }
    return bytes;
  }

  private static long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      Entity entity,
      String id,
      Random random,
      long sequence) {
    float[] v = unitVector(random, DIM);
    List<Float> values = new ArrayList<>(DIM);
    for (float x : v) {
      values.add(x);
    }
    EmbeddingUpdate update =
        EmbeddingUpdate.newBuilder()
            .setEntity(entity)
            .setId(id)
            .setVector(values)
            .setModelVersion(1)
            .setSequence(sequence)
            .setUpdatedAt(Instant.now())
            .build();
    producer.send(
        new ProducerRecord<>(
            Topics.EMBEDDINGS.defaultName(),
            Topic.key(Topics.embeddingKey(entity, id)),
            Topics.EMBEDDINGS.codec().encode(update)));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

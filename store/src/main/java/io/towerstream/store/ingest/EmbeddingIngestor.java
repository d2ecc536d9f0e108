package io.towerstream.store.ingest;

import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.RocksStoreException;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoreWriteException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background thread that keeps the store up to date. It {@code assign}s every partition of the
 * embeddings and trainer-status topics (each replica reads the whole topics; there is no consumer
 * group), resumes each partition after the offset stored in RocksDB (or at the beginning), and per
 * poll writes one atomic batch through {@link BatchApplier}. Kafka offsets are never committed to
 * the broker: RocksDB is the only record of progress. The records of a poll that the store refuses
 * ({@link RecordDecoder}, {@link BatchApplier#admit}) go to the dead-letter topic first ({@link
 * DeadLetterWriter}); the batch is written once their letters are.
 *
 * <p>If the loop fails (broker unreachable past the client's retries, a RocksDB error, a dead
 * letter that cannot be written), it logs, backs off and starts over from the stored offsets, which
 * is exactly-once by construction. When RocksDB refuses a write (a full disk, an I/O error) the
 * store is marked not writable ({@link IngestMetrics#storeWriteError}, which turns {@code /ready}
 * to 503) and nothing is consumed until a probe write succeeds and RocksDB has been reopened.
 * Partitions added to a topic are picked up at the next metadata check.
 */
public final class EmbeddingIngestor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddingIngestor.class);
  private static final long LAG_REFRESH_MS = 500;
  private static final long PARTITION_REFRESH_MS = 30_000;
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

  private final IngestSettings config;
  private final EmbeddingStore store;
  private final BatchApplier applier;
  private final RecordDecoder decoder;
  private final IngestMetrics metrics;
  private final Thread thread;
  private volatile boolean running;
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private boolean loggedMissingTopic;

  public EmbeddingIngestor(
      IngestSettings config, EmbeddingStore store, BatchApplier applier, IngestMetrics metrics) {
    this.config = config;
    this.store = store;
    this.applier = applier;
    this.metrics = metrics;
    this.decoder =
        new RecordDecoder(config.embeddingsTopic(), config.trainerStatusTopic(), metrics);
    this.thread = new Thread(this::run, "store-ingest");
    this.thread.setDaemon(true);
  }

  public synchronized void start() {
    if (!running && !thread.isAlive()) {
      running = true;
      thread.start();
    }
  }

  /**
   * Stops the loop and waits for the thread; the batch in flight is completed or not written at
   * all.
   */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("ingest thread did not stop within 30 s");
    }
  }

  private void run() {
    long backoffMs = 500;
    while (running) {
      try {
        consumeUntilStopped();
        backoffMs = 500;
      } catch (StoreWriteException e) {
        metrics.ingestFailures.incrementAndGet();
        metrics.lastError = "the store cannot write: " + e.publicReason();
        metrics.writeFailed(e.publicReason());
        LOG.error("RocksDB refused a write; ingest pauses until it takes writes again", e);
        reopenWhenDiskTakesWrites();
        continue; // the batch is consumed again from the stored offsets, at once
      } catch (WakeupException | InterruptException e) {
        if (running) {
          fail(e);
        }
      } catch (RuntimeException e) {
        fail(e);
      }
      if (running) {
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 5_000); // back within seconds of the broker
      }
    }
    LOG.info("ingest stopped");
  }

  /**
   * Waits, with backoff, until a probe write to the store's directory succeeds, then reopens
   * RocksDB (which refuses every write after a failed one until reopened). Nothing is consumed
   * meanwhile: the offsets stored with the last written batch are where ingest resumes, so no
   * update is lost or applied twice.
   */
  private void reopenWhenDiskTakesWrites() {
    long backoffMs = 500;
    while (running) {
      sleep(backoffMs);
      backoffMs = Math.min(backoffMs * 2, 5_000);
      if (!running || !store.diskAcceptsWrites()) {
        continue;
      }
      try {
        store.reopen();
        metrics.writesRecovered();
        LOG.info("RocksDB reopened and takes writes again; ingest resumes from the stored offsets");
        return;
      } catch (RuntimeException e) {
        LOG.error("reopening RocksDB failed; trying again", e);
      }
    }
  }

  private void fail(RuntimeException e) {
    metrics.ingestFailures.incrementAndGet();
    // shown in /v1/status: no class names, and no store paths (RocksDB's messages carry them)
    metrics.lastError =
        e instanceof RocksStoreException || e.getMessage() == null
            ? "ingest failed (the store's log has the details)"
            : e.getMessage();
    LOG.error("ingest loop failed; restarting from the stored offsets", e);
  }

  private void consumeUntilStopped() {
    try (KafkaConsumer<byte[], byte[]> c =
            new KafkaConsumer<>(
                consumerProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        DeadLetterWriter deadLetters =
            new DeadLetterWriter(config.embeddingsDlqTopic(), producerProperties(), metrics)) {
      consumer = c;
      if (!running) {
        return;
      }
      Set<TopicPartition> assigned = new HashSet<>();
      long partitionsCheckedAt = 0;
      long lagMeasuredAt = 0;
      Map<TopicPartition, Long> endOffsets = Map.of();
      while (running) {
        long now = System.currentTimeMillis();
        if (assigned.isEmpty() || now - partitionsCheckedAt > PARTITION_REFRESH_MS) {
          assignNewPartitions(c, assigned);
          partitionsCheckedAt = now;
          if (assigned.isEmpty()) {
            continue;
          }
        }
        ConsumerRecords<byte[], byte[]> records = c.poll(config.pollTimeout());
        if (!records.isEmpty()) {
          long polledAt = System.nanoTime();
          StoreBatch batch =
              applier.admit(
                  decoder.decode(records, deadLetters::add),
                  (m, problem) -> deadLetters.add(recordOf(records, m), problem));
          deadLetters.flush(); // before the batch's offsets are written
          applier.applyAdmitted(batch);
          metrics.recordVisible(System.nanoTime() - polledAt);
        }
        now = System.currentTimeMillis();
        if (records.isEmpty() || now - lagMeasuredAt >= LAG_REFRESH_MS) {
          lagMeasuredAt = now;
          endOffsets = c.endOffsets(assigned, METADATA_TIMEOUT);
          metrics.consumerLag = lag(c, endOffsets);
          metrics.lagMeasuredAt = lagMeasuredAt;
        } else {
          metrics.consumerLag = lag(c, endOffsets);
        }
      }
    } finally {
      consumer = null;
    }
  }

  /**
   * Assigns partitions not yet assigned, positioned after their stored offsets; waits while a topic
   * is missing.
   */
  private void assignNewPartitions(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> assigned) {
    List<TopicPartition> found = new ArrayList<>();
    for (String topic : List.of(config.embeddingsTopic(), config.trainerStatusTopic())) {
      List<PartitionInfo> partitions = c.partitionsFor(topic, METADATA_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        if (!loggedMissingTopic) {
          LOG.info("topic {} does not exist yet; waiting for it", topic);
          loggedMissingTopic = true;
        }
        sleep(1000);
        return;
      }
      partitions.forEach(p -> found.add(new TopicPartition(p.topic(), p.partition())));
    }
    List<TopicPartition> added = found.stream().filter(tp -> !assigned.contains(tp)).toList();
    if (added.isEmpty()) {
      return;
    }
    assigned.addAll(added);
    c.assign(assigned);
    Map<TopicPartition, Long> stored = store.lastOffsets();
    List<TopicPartition> fromBeginning = new ArrayList<>();
    for (TopicPartition tp : added) {
      Long last = stored.get(tp);
      if (last == null) {
        fromBeginning.add(tp);
      } else {
        c.seek(tp, last + 1);
      }
    }
    if (!fromBeginning.isEmpty()) { // an empty collection would mean "every assigned partition"
      c.seekToBeginning(fromBeginning);
    }
    LOG.info(
        "assigned {} ({} resumed from stored offsets, {} from the beginning)",
        added,
        added.size() - fromBeginning.size(),
        fromBeginning.size());
  }

  /** The polled record a mutation was decoded from. */
  private static ConsumerRecord<byte[], byte[]> recordOf(
      ConsumerRecords<byte[], byte[]> records, EmbeddingMutation m) {
    for (ConsumerRecord<byte[], byte[]> record : records) {
      if (RecordDecoder.source(record).equals(m.source())) {
        return record;
      }
    }
    throw new IllegalStateException("no polled record is the source of " + m.source());
  }

  private static long lag(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> endOffsets) {
    long lag = 0;
    for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
      lag += Math.max(0, end.getValue() - c.position(end.getKey()));
    }
    return lag;
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "towerstream-store");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
    p.put(
        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
        config.readCommitted() ? "read_committed" : "read_uncommitted");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.putAll(config.consumerOverrides());
    return p;
  }

  /** The dead-letter producer's: the same servers, and the user's client properties (security). */
  private Properties producerProperties() {
    Properties p = new Properties();
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.putAll(config.consumerOverrides());
    return p;
  }

  private void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}

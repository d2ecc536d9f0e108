package io.towerstream.cli.demo;

import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces clicks into the {@code clicks} topic in the order given, keyed by user id, as fast as
 * the broker takes them (or at a fixed rate). Counts what the broker acknowledged, so "replayed"
 * means durable.
 */
public final class ClickReplayer implements AutoCloseable {
  private final KafkaProducer<String, ClickEvent> producer;
  private final String topic;
  private final AtomicLong acknowledged = new AtomicLong();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public ClickReplayer(String bootstrapServers, String topic) {
    this(bootstrapServers, topic, Map.of());
  }

  /**
   * @param clientProperties extra producer properties (security: see {@code KafkaClientProperties})
   */
  public ClickReplayer(
      String bootstrapServers, String topic, Map<String, String> clientProperties) {
    this(bootstrapServers, topic, clientProperties, Topics.CLICKS.valueSerializer());
  }

  /**
   * @param clientProperties extra producer properties (security: see {@code KafkaClientProperties})
   * @param values how each click is written: Avro by default, or a team's JSON
   */
  public ClickReplayer(
      String bootstrapServers,
      String topic,
      Map<String, String> clientProperties,
      Serializer<ClickEvent> values) {
    this.topic = topic;
    Map<String, Object> config = new java.util.HashMap<>(clientProperties);
    config.putAll(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            ProducerConfig.LINGER_MS_CONFIG,
            5,
            ProducerConfig.BATCH_SIZE_CONFIG,
            256 * 1024,
            ProducerConfig.COMPRESSION_TYPE_CONFIG,
            "lz4"));
    this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
  }

  /**
   * Sends every click, blocking until all are acknowledged.
   *
   * @param eventsPerSecond 0 for as fast as possible
   */
  public void replay(Iterator<ClickRecord> clicks, double eventsPerSecond) {
    long started = System.nanoTime();
    long sent = 0;
    while (clicks.hasNext()) {
      ClickRecord click = clicks.next();
      ClickEvent event =
          ClickEvent.newBuilder()
              .setUserId(click.userId())
              .setItemId(click.itemId())
              .setEventTime(Instant.ofEpochMilli(click.timestampMillis()))
              .build();
      // The Kafka timestamp is the send time, not the click's: replayed logs are years old, and a
      // broker's time-based retention would delete them (and move consumers to the end) within
      // minutes. The event time travels in the record itself.
      producer.send(
          new ProducerRecord<>(topic, click.userId(), event),
          (meta, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else {
              acknowledged.incrementAndGet();
            }
          });
      sent++;
      throttle(started, sent, eventsPerSecond);
      if (failure.get() != null) {
        break;
      }
    }
    producer.flush();
    if (failure.get() != null) {
      throw new IllegalStateException(
          "producing to " + topic + " failed: " + failure.get().getMessage(), failure.get());
    }
  }

  /** Clicks the broker has acknowledged so far. */
  public long acknowledged() {
    return acknowledged.get();
  }

  private static void throttle(long startedNanos, long sent, double eventsPerSecond) {
    if (eventsPerSecond <= 0) {
      return;
    }
    long dueNanos = startedNanos + (long) (sent / eventsPerSecond * 1e9);
    long wait = dueNanos - System.nanoTime();
    if (wait > 1_000_000) {
      try {
        Thread.sleep(wait / 1_000_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}

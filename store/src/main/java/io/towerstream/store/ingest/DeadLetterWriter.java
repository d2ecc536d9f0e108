package io.towerstream.store.ingest;

import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the records the store refused to its dead-letter topic ({@code --embeddings-dlq-topic}),
 * whole, keyed by their original key, with topic, partition, offset and the reason. {@link #flush}
 * waits for them before the batch that consumed them is written, so a crash in between sends them
 * again rather than never (at least once); every store replica that reads a refused record writes
 * its own letter. Without a topic, refused records are only logged and counted. The producer starts
 * at the first letter. Used by the ingest thread only.
 */
final class DeadLetterWriter implements AutoCloseable {
  private final String topic;
  private final Properties producerProperties;
  private final IngestMetrics metrics;
  private final List<Future<RecordMetadata>> sent = new ArrayList<>();
  private final List<String> positions = new ArrayList<>();
  private KafkaProducer<byte[], byte[]> producer;

  /**
   * @param topic the dead-letter topic, null for none
   * @param producerProperties the producer's client properties (bootstrap servers, security)
   */
  DeadLetterWriter(String topic, Properties producerProperties, IngestMetrics metrics) {
    this.topic = topic;
    this.producerProperties = producerProperties;
    this.metrics = metrics;
  }

  /** Sends {@code record} with {@code reason}; the letter is certain only after {@link #flush}. */
  void add(ConsumerRecord<byte[], byte[]> record, String reason) {
    if (topic == null) {
      return;
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(record.topic())
            .setPartition(record.partition())
            .setOffset(record.offset())
            .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
            .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
            .setReason(reason)
            .setFailedAt(Instant.now())
            .build();
    String position = RecordDecoder.source(record);
    try {
      sent.add(
          producer()
              .send(
                  new ProducerRecord<>(
                      topic,
                      null,
                      letter.getFailedAt().toEpochMilli(),
                      record.key(),
                      Topics.EMBEDDINGS_DLQ.codec().encode(letter))));
      positions.add(position);
    } catch (KafkaException e) {
      throw failed(position, e);
    }
  }

  /**
   * Waits until every letter sent since the last flush is written.
   *
   * @throws DeadLetterException when one could not be: the batch must not be written then
   */
  void flush() {
    try {
      for (int k = 0; k < sent.size(); k++) {
        try {
          sent.get(k).get();
        } catch (ExecutionException e) {
          throw failed(positions.get(k), e.getCause());
        }
        metrics.deadLetters.incrementAndGet();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failed(positions.get(0), e);
    } finally {
      sent.clear();
      positions.clear();
    }
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5)); // what is unsent is sent again with its batch
    }
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Properties p = new Properties();
      p.put(ProducerConfig.CLIENT_ID_CONFIG, "towerstream-store-dlq");
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      // a missing topic (brokers here do not create them) must fail the batch within seconds
      p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
      p.putAll(producerProperties);
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
    return producer;
  }

  private DeadLetterException failed(String position, Throwable cause) {
    return new DeadLetterException(
        "cannot write the dead letter of " + position + " to " + topic + ": " + cause, cause);
  }
}

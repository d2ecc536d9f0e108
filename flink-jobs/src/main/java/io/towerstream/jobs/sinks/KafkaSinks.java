package io.towerstream.jobs.sinks;

import io.towerstream.schemas.KafkaClientProperties;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.KafkaSinkBuilder;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The job's three Kafka sinks, with the delivery guarantee from the configuration.
 *
 * <p>{@code exactly-once} writes each checkpoint's records in Kafka transactions committed when the
 * checkpoint completes: consumers must read with {@code isolation.level=read_committed} and then
 * see updates only at checkpoint completion (latency up to {@code checkpoint.interval-ms}). Each
 * sink gets its own transactional id prefix, derived from {@code sink.transactional-id-prefix},
 * which must be unique per job on the Kafka cluster. {@code at-least-once} flushes on every
 * checkpoint; after a failure the records since the last checkpoint may appear twice, which the
 * store tolerates (it keeps the highest sequence).
 */
public final class KafkaSinks {
  /**
   * Kafka aborts transactions older than this; it must outlast the checkpoint interval plus a
   * restart, and not exceed the broker's {@code transaction.max.timeout.ms} (15 minutes by
   * default).
   */
  static final String TRANSACTION_TIMEOUT_MS = Integer.toString(15 * 60 * 1000);

  private KafkaSinks() {}

  public static KafkaSink<EmbeddingUpdate> embeddings(SinkSettings config) {
    return KafkaSinks.<EmbeddingUpdate>builder(config, "embeddings")
        .setRecordSerializer(new EmbeddingRecordSerializer(config.embeddingsTopic()))
        .build();
  }

  public static KafkaSink<TrainerStatus> status(SinkSettings config) {
    return KafkaSinks.<TrainerStatus>builder(config, "status")
        .setRecordSerializer(new TrainerStatusRecordSerializer(config.statusTopic()))
        .build();
  }

  /**
   * The trainer subtasks' deltas for each other. Always at-least-once, whatever {@code delivery}
   * says: the trainers' sync ledgers drop repeats and orphans themselves, and a transaction would
   * hold every delta back until the next checkpoint completes, making the replicas a checkpoint
   * interval stale.
   */
  public static KafkaSink<ModelDelta> sync(SinkSettings config) {
    return KafkaSink.<ModelDelta>builder()
        .setKafkaProducerConfig(
            KafkaClientProperties.addTo(new Properties(), config.kafkaProperties()))
        .setBootstrapServers(config.bootstrapServers())
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setProperty("linger.ms", "5")
        .setProperty("max.request.size", Integer.toString(4 << 20))
        .setRecordSerializer(new ModelDeltaRecordSerializer(config.syncTopic()))
        .build();
  }

  public static KafkaSink<DeadLetter> deadLetters(SinkSettings config) {
    return KafkaSinks.<DeadLetter>builder(config, "dlq")
        .setRecordSerializer(new DeadLetterRecordSerializer(config.dlqTopic()))
        .build();
  }

  /**
   * Whether the Kafka client library on this classpath has the transactional internals that
   * flink-connector-kafka 5.0.0-2.2 calls. The connector is built against kafka-clients 4.2.0;
   * kafka-clients 4.4.0 (the project's version) removed {@code TransactionalRequestResult.await()},
   * so every transactional flush fails with a NoSuchMethodError at the first checkpoint and the job
   * restarts forever.
   */
  public static boolean transactionsSupported() {
    try {
      Class.forName(
              "org.apache.kafka.clients.producer.internals.TransactionalRequestResult",
              false,
              KafkaSinks.class.getClassLoader())
          .getMethod("await");
      return true;
    } catch (ReflectiveOperationException | LinkageError e) {
      return false;
    }
  }

  /**
   * Fails at submission, naming the option, rather than letting the job restart forever at run
   * time.
   */
  static void checkDeliverySupported(SinkSettings config) {
    if (config.delivery() == DeliveryGuarantee.EXACTLY_ONCE && !transactionsSupported()) {
      throw new IllegalStateException(
          "--delivery exactly-once is not available with kafka-clients "
              + kafkaClientsVersion()
              + ": flink-connector-kafka 5.0.0-2.2 was built against kafka-clients "
              + "4.2.0 and calls transactional internals (TransactionalRequestResult.await()) that this version "
              + "no longer has. Use --delivery at-least-once, or run with kafka-clients 4.2.x.");
    }
  }

  private static String kafkaClientsVersion() {
    try (InputStream in =
        KafkaProducer.class.getResourceAsStream("/kafka/kafka-version.properties")) {
      Properties props = new Properties();
      if (in != null) {
        props.load(in);
      }
      return props.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static <T> KafkaSinkBuilder<T> builder(SinkSettings config, String sinkName) {
    checkDeliverySupported(config);
    KafkaSinkBuilder<T> builder =
        KafkaSink.<T>builder()
            .setKafkaProducerConfig(
                KafkaClientProperties.addTo(new Properties(), config.kafkaProperties()))
            .setBootstrapServers(config.bootstrapServers())
            .setDeliveryGuarantee(config.delivery())
            // many small records per publish: let the producer batch them
            .setProperty("linger.ms", "20");
    if (config.delivery() == DeliveryGuarantee.EXACTLY_ONCE) {
      builder
          .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + sinkName)
          .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS);
    }
    return builder;
  }
}

package io.towerstream.jobs.sinks;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ModelDelta;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link ModelDelta} as a Kafka record of the sync topic: key the origin (UTF-8 decimal), so that
 * one sender's deltas keep their order even on a topic with several partitions; value in Avro
 * single-object encoding.
 */
public final class ModelDeltaRecordSerializer
    implements KafkaRecordSerializationSchema<ModelDelta> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public ModelDeltaRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      ModelDelta delta, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        delta.getProducedAt().toEpochMilli(),
        key(delta),
        Topics.MODEL_SYNC.codec().encode(delta));
  }

  /** The record key of a delta: its origin, UTF-8 decimal. */
  public static byte[] key(ModelDelta delta) {
    return Topic.key(Long.toString(delta.getOrigin()));
  }
}

package io.towerstream.jobs.sinks;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.TrainerStatus;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link TrainerStatus} as a Kafka record: key the model version (UTF-8 decimal), so the
 * compacted topic keeps the latest status of each version; value in Avro single-object encoding.
 */
public final class TrainerStatusRecordSerializer
    implements KafkaRecordSerializationSchema<TrainerStatus> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public TrainerStatusRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      TrainerStatus status, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        status.getPublishedAt().toEpochMilli(),
        Topic.key(Long.toString(status.getModelVersion())),
        Topics.TRAINER_STATUS.codec().encode(status));
  }
}

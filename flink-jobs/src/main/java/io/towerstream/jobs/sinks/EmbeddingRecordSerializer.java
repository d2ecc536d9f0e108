package io.towerstream.jobs.sinks;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An {@link EmbeddingUpdate} as a Kafka record: key {@code ENTITY:id} (UTF-8, the compaction key,
 * see {@link Topics#embeddingKey}), value in Avro single-object encoding, timestamp the publish
 * time.
 */
public final class EmbeddingRecordSerializer
    implements KafkaRecordSerializationSchema<EmbeddingUpdate> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public EmbeddingRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      EmbeddingUpdate update, KafkaSinkContext context, Long timestamp) {
    byte[] key = Topic.key(Topics.embeddingKey(update.getEntity(), update.getId()));
    return new ProducerRecord<>(
        topic,
        null,
        update.getUpdatedAt().toEpochMilli(),
        key,
        Topics.EMBEDDINGS.codec().encode(update));
  }
}

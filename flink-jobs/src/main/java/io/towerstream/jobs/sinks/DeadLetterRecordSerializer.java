package io.towerstream.jobs.sinks;

import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A {@link DeadLetter} as a Kafka record: key the rejected record's original key (so it lands where
 * a corrected resend of the same key would), value in Avro single-object encoding.
 */
public final class DeadLetterRecordSerializer
    implements KafkaRecordSerializationSchema<DeadLetter> {
  private static final long serialVersionUID = 1L;

  private final String topic;

  public DeadLetterRecordSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetter letter, KafkaSinkContext context, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        letter.getFailedAt().toEpochMilli(),
        bytes(letter.getKey()),
        Topics.CLICKS_DLQ.codec().encode(letter));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }
}

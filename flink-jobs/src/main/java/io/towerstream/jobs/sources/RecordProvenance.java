package io.towerstream.jobs.sources;

import io.towerstream.schemas.avro.DeadLetter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * Where a record read from Kafka came from, with its original bytes, so that whatever it decodes
 * into (or fails to) can go to the dead-letter topic unchanged. The public fields are part of each
 * subclass's Flink POJO type ({@link #fieldTypes}).
 */
public abstract class RecordProvenance {
  public String topic;
  public int partition;
  public long offset;

  /** The Kafka record timestamp (milliseconds). */
  public long timestamp;

  public byte[] key;
  public byte[] value;

  /** Fills in where the record came from; returns {@code this}. */
  @SuppressWarnings("unchecked")
  <T extends RecordProvenance> T from(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.timestamp = timestamp;
    this.key = key;
    this.value = value;
    return (T) this;
  }

  /** This record, whole, as a dead letter; does not modify this object. */
  public DeadLetter toDeadLetter(String reason, long failedAtMillis) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic == null ? "" : topic)
        .setPartition(partition)
        .setOffset(offset)
        .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
        .setValue(value == null ? null : ByteBuffer.wrap(value.clone()))
        .setReason(reason)
        .setFailedAt(Instant.ofEpochMilli(failedAtMillis))
        .build();
  }

  /** {@code topic-partition@offset}, for messages. */
  String position() {
    return topic + "-" + partition + "@" + offset;
  }

  /** The provenance fields' types, with a subclass's own {@code payload} fields. */
  static Map<String, TypeInformation<?>> fieldTypes(Map<String, TypeInformation<?>> payload) {
    Map<String, TypeInformation<?>> fields = new HashMap<>(payload);
    fields.put("topic", Types.STRING);
    fields.put("partition", Types.INT);
    fields.put("offset", Types.LONG);
    fields.put("timestamp", Types.LONG);
    fields.put("key", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    fields.put("value", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
    return fields;
  }
}

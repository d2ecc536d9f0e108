package io.towerstream.jobs.sources;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One record read from the clicks topic: the decoded {@link ClickEvent}, or the reason it could not
 * be decoded, together with where it came from and its original bytes.
 *
 * <p>The original bytes travel with every record (not only the undecodable ones) so that a record
 * which decodes but fails validation can also go to the dead-letter topic unchanged; they are
 * small, and the source and the validation run chained in one thread.
 *
 * <p>A Flink POJO: public fields, a public no-argument constructor; {@link #TYPE} is its type
 * information (Flink cannot derive the Avro field on its own, see {@link AvroTypeInfo}); the {@link
 * TypeInfo} annotation hands it to Flink's type extraction too.
 */
@TypeInfo(ParsedClick.TypeFactory.class)
public class ParsedClick {
  /** The decoded event; null exactly when {@link #decodeError} is set. */
  public ClickEvent click;

  /** Why the value could not be decoded, for a human; null when {@link #click} is set. */
  public String decodeError;

  public String topic;
  public int partition;
  public long offset;

  /** The Kafka record timestamp (milliseconds). */
  public long timestamp;

  public byte[] key;
  public byte[] value;

  public static final TypeInformation<ParsedClick> TYPE =
      Types.POJO(
          ParsedClick.class,
          Map.of(
              "click", AvroTypeInfo.forClass(ClickEvent.class),
              "decodeError", Types.STRING,
              "topic", Types.STRING,
              "partition", Types.INT,
              "offset", Types.LONG,
              "timestamp", Types.LONG,
              "key", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO,
              "value", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));

  public ParsedClick() {}

  /** A record that decoded into {@code click}. */
  public static ParsedClick decoded(
      ClickEvent click,
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value) {
    ParsedClick p = of(topic, partition, offset, timestamp, key, value);
    p.click = click;
    return p;
  }

  /** A record whose value could not be decoded, with the reason. */
  public static ParsedClick undecodable(
      String reason,
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value) {
    ParsedClick p = of(topic, partition, offset, timestamp, key, value);
    p.decodeError = reason;
    return p;
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

  private static ParsedClick of(
      String topic, int partition, long offset, long timestamp, byte[] key, byte[] value) {
    ParsedClick p = new ParsedClick();
    p.topic = topic;
    p.partition = partition;
    p.offset = offset;
    p.timestamp = timestamp;
    p.key = key;
    p.value = value;
    return p;
  }

  @Override
  public String toString() {
    return "ParsedClick{"
        + topic
        + '-'
        + partition
        + '@'
        + offset
        + (click != null ? ", click=" + click : ", decodeError=" + decodeError)
        + '}';
  }

  /**
   * Lets {@code TypeInformation.of(ParsedClick.class)} and Flink's type extraction find {@link
   * #TYPE}.
   */
  public static final class TypeFactory extends TypeInfoFactory<ParsedClick> {
    @Override
    public TypeInformation<ParsedClick> createTypeInfo(
        Type type, Map<String, TypeInformation<?>> genericParameters) {
      return TYPE;
    }
  }
}

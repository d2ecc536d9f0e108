package io.towerstream.jobs.sources;

import io.towerstream.schemas.AvroCodec;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.json.ClickJson;
import java.util.Objects;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record of the clicks topic into exactly one {@link ParsedClick}, and never
 * throws: a value that is not a ClickEvent becomes a ParsedClick with the decoding error, so one
 * bad record cannot put the job into a restart loop. Values are Avro single-object encoded
 * ClickEvents, or JSON objects read strictly into one through a field mapping ({@link ClickJson}).
 * Avro records of a writer schema this job does not know (its fingerprint is not registered), JSON
 * that is malformed, has a duplicate key, trailing content, a field of the wrong type or lacks a
 * required one, and event types the job does not know are undecodable too, each with its reason.
 * Validation of the decoded fields is the next step's job ({@code ValidateClicks}), the same for
 * both formats.
 */
public final class ClickDeserializer implements KafkaRecordDeserializationSchema<ParsedClick> {
  private static final long serialVersionUID = 1L;

  private final ValueFormat format;
  private final ClickJson json;
  private transient AvroCodec<ClickEvent> codec;

  /** A reader of Avro ClickEvents. */
  public ClickDeserializer() {
    this(ValueFormat.AVRO, ClickJson.DEFAULTS);
  }

  /**
   * @param json where JSON clicks keep each field; used with {@link ValueFormat#JSON} only
   */
  public ClickDeserializer(ValueFormat format, ClickJson json) {
    this.format = Objects.requireNonNull(format, "format");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec();
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ParsedClick> out) {
    out.collect(parse(record));
  }

  /** The one record as a ParsedClick; never throws. */
  public ParsedClick parse(ConsumerRecord<byte[], byte[]> record) {
    try {
      // strict: an event type this trainer does not know is dead-lettered, not guessed to be a
      // click
      ClickEvent click =
          format == ValueFormat.JSON
              ? json.decode(record.value())
              : codec().decodeStrict(record.value());
      return ParsedClick.decoded(
          click,
          record.topic(),
          record.partition(),
          record.offset(),
          record.timestamp(),
          record.key(),
          record.value());
    } catch (RecordDecodingException e) {
      return ParsedClick.undecodable(
          e.getMessage(),
          record.topic(),
          record.partition(),
          record.offset(),
          record.timestamp(),
          record.key(),
          record.value());
    } catch (RuntimeException e) {
      // the codecs wrap what they know; anything else is still this record's problem, not the job's
      return ParsedClick.undecodable(
          "cannot decode ClickEvent (" + format.cliName() + "): " + e,
          record.topic(),
          record.partition(),
          record.offset(),
          record.timestamp(),
          record.key(),
          record.value());
    }
  }

  @Override
  public TypeInformation<ParsedClick> getProducedType() {
    return ParsedClick.TYPE;
  }

  private AvroCodec<ClickEvent> codec() {
    if (codec == null) {
      // before Avro resolves any generated class in this (task manager) JVM: Avro 1.12 refuses
      // generated classes outside its trusted packages, and Flink would then restart the job
      // forever
      AvroTrust.ensure();
      codec = Topics.CLICKS.codec();
    }
    return codec;
  }
}

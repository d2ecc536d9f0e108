package io.towerstream.jobs.sources;

import io.towerstream.schemas.AvroCodec;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.time.Instant;
import java.util.Objects;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Turns every Kafka record of the item-features topic into exactly one {@link ParsedItemFeatures},
 * and never throws: a tombstone (null value) with a key withdraws that item's features; a value
 * that is not an ItemFeatures record, a tombstone without a key, and a record whose key is not its
 * {@code itemId} are rejected with the reason (the key is the compaction key: a record filed under
 * another item's key would replace that item's features). Values are Avro single-object encoded, or
 * JSON objects read strictly through a field mapping ({@link ItemFeaturesJson}), stamped with the
 * Kafka record's timestamp as their update time. The item id itself is checked by the next step
 * ({@code ValidateItemFeatures}), with the rules clicks' ids follow.
 */
public final class ItemFeatureDeserializer
    implements KafkaRecordDeserializationSchema<ParsedItemFeatures> {
  private static final long serialVersionUID = 1L;

  private final ValueFormat format;
  private final ItemFeaturesJson json;
  private transient AvroCodec<ItemFeatures> codec;

  /** A reader of Avro ItemFeatures. */
  public ItemFeatureDeserializer() {
    this(ValueFormat.AVRO, ItemFeaturesJson.DEFAULTS);
  }

  /**
   * @param json where JSON records keep each field; used with {@link ValueFormat#JSON} only
   */
  public ItemFeatureDeserializer(ValueFormat format, ItemFeaturesJson json) {
    this.format = Objects.requireNonNull(format, "format");
    this.json = Objects.requireNonNull(json, "json");
  }

  @Override
  public void open(DeserializationSchema.InitializationContext context) {
    codec();
  }

  @Override
  public void deserialize(
      ConsumerRecord<byte[], byte[]> record, Collector<ParsedItemFeatures> out) {
    out.collect(parse(record));
  }

  /** The one record as a ParsedItemFeatures; never throws. */
  public ParsedItemFeatures parse(ConsumerRecord<byte[], byte[]> record) {
    String key = Topic.key(record.key());
    if (record.value() == null) {
      return key == null || key.isEmpty()
          ? rejected("tombstone without a key: no item to withdraw the features of", record)
          : ParsedItemFeatures.removal(
              key,
              record.topic(),
              record.partition(),
              record.offset(),
              record.timestamp(),
              record.key());
    }
    ItemFeatures features;
    try {
      features =
          format == ValueFormat.JSON
              ? json.decode(record.value(), Instant.ofEpochMilli(Math.max(0, record.timestamp())))
              : codec().decode(record.value());
    } catch (RecordDecodingException e) {
      return rejected(e.getMessage(), record);
    } catch (RuntimeException e) {
      // the codecs wrap what they know; anything else is still this record's problem, not the job's
      return rejected("cannot decode ItemFeatures (" + format.cliName() + "): " + e, record);
    }
    if (key != null && !key.equals(features.getItemId())) {
      return rejected(
          "key '" + key + "' is not the record's itemId '" + features.getItemId() + "'", record);
    }
    return ParsedItemFeatures.decoded(
        features,
        record.topic(),
        record.partition(),
        record.offset(),
        record.timestamp(),
        record.key(),
        record.value());
  }

  @Override
  public TypeInformation<ParsedItemFeatures> getProducedType() {
    return ParsedItemFeatures.TYPE;
  }

  private static ParsedItemFeatures rejected(String problem, ConsumerRecord<byte[], byte[]> r) {
    return ParsedItemFeatures.rejected(
        problem, r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value());
  }

  private AvroCodec<ItemFeatures> codec() {
    if (codec == null) {
      // before Avro resolves any generated class in this (task manager) JVM: Avro 1.12 refuses
      // generated classes outside its trusted packages, and Flink would then restart the job
      // forever
      AvroTrust.ensure();
      codec = Topics.ITEM_FEATURES.codec();
    }
    return codec;
  }
}

package io.towerstream.jobs.sources;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.schemas.avro.ItemFeatures;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * One record read from the item-features topic: exactly one of the decoded {@link ItemFeatures},
 * the id of the item whose features a tombstone withdraws, or the reason the record cannot be used;
 * with where it came from and its original bytes (for the dead-letter topic, as {@link ParsedClick}
 * keeps them).
 *
 * <p>A Flink POJO: public fields, a public no-argument constructor; {@link #TYPE} is its type
 * information.
 */
@TypeInfo(ParsedItemFeatures.TypeFactory.class)
public class ParsedItemFeatures extends RecordProvenance {
  /** The decoded features; null for a removal or a rejected record. */
  public ItemFeatures features;

  /** The item a tombstone withdraws the features of (its key); null otherwise. */
  public String removedItemId;

  /** Why the record cannot be used, for a human; null when it can. */
  public String problem;

  public static final TypeInformation<ParsedItemFeatures> TYPE =
      Types.POJO(
          ParsedItemFeatures.class,
          fieldTypes(
              Map.of(
                  "features", AvroTypeInfo.forClass(ItemFeatures.class),
                  "removedItemId", Types.STRING,
                  "problem", Types.STRING)));

  public ParsedItemFeatures() {}

  /** A record that decoded into {@code features}. */
  public static ParsedItemFeatures decoded(
      ItemFeatures features,
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value) {
    ParsedItemFeatures p =
        new ParsedItemFeatures().from(topic, partition, offset, timestamp, key, value);
    p.features = features;
    return p;
  }

  /** A tombstone: the features of {@code itemId} are withdrawn. */
  public static ParsedItemFeatures removal(
      String itemId, String topic, int partition, long offset, long timestamp, byte[] key) {
    ParsedItemFeatures p =
        new ParsedItemFeatures().from(topic, partition, offset, timestamp, key, null);
    p.removedItemId = itemId;
    return p;
  }

  /** A record that cannot be used, with the reason. */
  public static ParsedItemFeatures rejected(
      String problem,
      String topic,
      int partition,
      long offset,
      long timestamp,
      byte[] key,
      byte[] value) {
    ParsedItemFeatures p =
        new ParsedItemFeatures().from(topic, partition, offset, timestamp, key, value);
    p.problem = problem;
    return p;
  }

  /** The item this record is about: the features' id, or the removed one; null when rejected. */
  public String itemId() {
    return features != null ? features.getItemId() : removedItemId;
  }

  @Override
  public String toString() {
    return "ParsedItemFeatures{"
        + position()
        + (features != null
            ? ", features=" + features
            : removedItemId != null ? ", removal of " + removedItemId : ", problem=" + problem)
        + '}';
  }

  /** Lets Flink's type extraction find {@link #TYPE}. */
  public static final class TypeFactory extends TypeInfoFactory<ParsedItemFeatures> {
    @Override
    public TypeInformation<ParsedItemFeatures> createTypeInfo(
        Type type, Map<String, TypeInformation<?>> genericParameters) {
      return TYPE;
    }
  }
}

package io.towerstream.jobs.sources;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.schemas.avro.ClickEvent;
import java.lang.reflect.Type;
import java.util.Map;
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
public class ParsedClick extends RecordProvenance {
  /** The decoded event; null exactly when {@link #decodeError} is set. */
  public ClickEvent click;

  /** Why the value could not be decoded, for a human; null when {@link #click} is set. */
  public String decodeError;

  public static final TypeInformation<ParsedClick> TYPE =
      Types.POJO(
          ParsedClick.class,
          fieldTypes(
              Map.of(
                  "click", AvroTypeInfo.forClass(ClickEvent.class), "decodeError", Types.STRING)));

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
    ParsedClick p = new ParsedClick().from(topic, partition, offset, timestamp, key, value);
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
    ParsedClick p = new ParsedClick().from(topic, partition, offset, timestamp, key, value);
    p.decodeError = reason;
    return p;
  }

  @Override
  public String toString() {
    return "ParsedClick{"
        + position()
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

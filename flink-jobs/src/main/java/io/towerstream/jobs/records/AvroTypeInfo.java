package io.towerstream.jobs.records;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink type information for one of our generated Avro classes.
 *
 * <p>Why not Flink's own: without {@code flink-avro} on the classpath Flink's type extraction
 * throws on any {@code SpecificRecordBase}, and its Kryo fallback is refused for Avro classes too.
 * Rather than add flink-avro (and its Avro version) to the job jar, the few Avro types that travel
 * between operators use this small serializer over Avro's own binary encoding (see {@link
 * AvroRecordSerializer}).
 */
public final class AvroTypeInfo<T extends SpecificRecord> extends TypeInformation<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;

  private AvroTypeInfo(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  public static <T extends SpecificRecord> AvroTypeInfo<T> forClass(Class<T> type) {
    return new AvroTypeInfo<>(type);
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return new AvroRecordSerializer<>(type);
  }

  @Override
  public String toString() {
    return "Avro<" + type.getName() + ">";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AvroTypeInfo<?> that && that.canEqual(this) && that.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof AvroTypeInfo;
  }
}

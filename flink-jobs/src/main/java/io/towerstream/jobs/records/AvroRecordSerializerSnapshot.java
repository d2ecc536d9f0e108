package io.towerstream.jobs.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Snapshot of an {@link AvroRecordSerializer}: the record class and the schema it wrote. A restored
 * serializer is compatible as-is only with the very same schema; no state of this job holds such
 * records, so schema migration is not needed (and is refused rather than guessed).
 */
public final class AvroRecordSerializerSnapshot<T extends SpecificRecord>
    implements TypeSerializerSnapshot<T> {
  private static final int VERSION = 1;

  private Class<T> type;
  private String schemaJson;

  /** For Flink, which instantiates snapshots reflectively before {@link #readSnapshot}. */
  public AvroRecordSerializerSnapshot() {}

  AvroRecordSerializerSnapshot(Class<T> type, Schema schema) {
    this.type = type;
    this.schemaJson = schema.toString();
  }

  @Override
  public int getCurrentVersion() {
    return VERSION;
  }

  @Override
  public void writeSnapshot(DataOutputView out) throws IOException {
    out.writeUTF(type.getName());
    byte[] json = schemaJson.getBytes(StandardCharsets.UTF_8);
    out.writeInt(json.length);
    out.write(json);
  }

  @Override
  @SuppressWarnings("unchecked")
  public void readSnapshot(int version, DataInputView in, ClassLoader classLoader)
      throws IOException {
    if (version != VERSION) {
      throw new IOException("unknown AvroRecordSerializerSnapshot version " + version);
    }
    String className = in.readUTF();
    byte[] json = new byte[in.readInt()];
    in.readFully(json);
    schemaJson = new String(json, StandardCharsets.UTF_8);
    try {
      type = (Class<T>) Class.forName(className, false, classLoader);
    } catch (ClassNotFoundException e) {
      throw new IOException("cannot load Avro record class " + className, e);
    }
  }

  @Override
  public TypeSerializer<T> restoreSerializer() {
    return new AvroRecordSerializer<>(type);
  }

  @Override
  public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
      TypeSerializerSnapshot<T> oldSnapshot) {
    if (oldSnapshot instanceof AvroRecordSerializerSnapshot<T> old
        && old.type.equals(type)
        && old.schemaJson.equals(schemaJson)) {
      return TypeSerializerSchemaCompatibility.compatibleAsIs();
    }
    return TypeSerializerSchemaCompatibility.incompatible();
  }
}

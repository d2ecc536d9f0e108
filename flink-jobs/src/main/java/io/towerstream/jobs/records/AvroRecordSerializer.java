package io.towerstream.jobs.records;

import io.towerstream.schemas.AvroTrust;
import java.io.IOException;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.DataInputViewStream;
import org.apache.flink.api.java.typeutils.runtime.DataOutputViewStream;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serialises a generated Avro record between Flink operators in Avro's plain binary encoding (no
 * header: both ends run the same classes). Like every Flink serializer it is not thread-safe;
 * {@link #duplicate()} hands each thread its own encoder and decoder.
 *
 * <p>Records of these types are never kept in Flink state by this job (the trainer keeps its own
 * bytes), so the snapshot only has to recognise the same class and schema.
 */
public final class AvroRecordSerializer<T extends SpecificRecord> extends TypeSerializer<T> {
  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private transient SpecificData data;
  private transient Schema schema;
  private transient SpecificDatumWriter<T> writer;
  private transient SpecificDatumReader<T> reader;
  private transient BinaryEncoder encoder;
  private transient BinaryDecoder decoder;

  public AvroRecordSerializer(Class<T> type) {
    this.type = Objects.requireNonNull(type, "type");
  }

  public Class<T> type() {
    return type;
  }

  /** The class's schema; also initialises Avro lazily, after the trusted packages are set. */
  Schema schema() {
    if (schema == null) {
      AvroTrust.ensure();
      data = SpecificData.getForClass(type);
      schema = data.getSchema(type);
      writer = new SpecificDatumWriter<>(schema, data);
      reader = new SpecificDatumReader<>(schema, schema, data);
    }
    return schema;
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return new AvroRecordSerializer<>(type);
  }

  @Override
  @SuppressWarnings("unchecked")
  public T createInstance() {
    schema();
    return (T) data.newRecord(null, schema);
  }

  @Override
  public T copy(T from) {
    return from == null ? null : data().deepCopy(schema(), from);
  }

  @Override
  public T copy(T from, T reuse) {
    return copy(from);
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    schema();
    encoder = EncoderFactory.get().directBinaryEncoder(new DataOutputViewStream(target), encoder);
    writer.write(record, encoder);
    encoder.flush();
  }

  @Override
  public T deserialize(DataInputView source) throws IOException {
    schema();
    // a direct decoder reads exactly the record's bytes; a buffered one would read ahead into the
    // next record
    decoder = DecoderFactory.get().directBinaryDecoder(new DataInputViewStream(source), decoder);
    return reader.read(null, decoder);
  }

  @Override
  public T deserialize(T reuse, DataInputView source) throws IOException {
    return deserialize(source);
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) throws IOException {
    serialize(deserialize(source), target);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AvroRecordSerializer<?> that && that.type.equals(type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new AvroRecordSerializerSnapshot<>(type, schema());
  }

  private SpecificData data() {
    schema();
    return data;
  }
}

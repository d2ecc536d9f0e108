package io.towerstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes records in Avro single-object encoding: a 2-byte marker, the writer schema's 64-bit
 * fingerprint, then the binary body. A reader therefore knows which schema wrote each record, and
 * resolves records written by any older schema it has been told about (see {@link
 * #withWriterSchema}) to its own.
 *
 * <p>Thread-safe: Avro's message encoders and decoders keep per-thread buffers.
 */
public final class AvroCodec<T extends SpecificRecord> {
  private final Class<T> type;
  private final Schema schema;
  private final SchemaStore.Cache writerSchemas = new SchemaStore.Cache();
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;
  private final long ownFingerprint;

  /**
   * Per writer fingerprint: whether one of its enums has a symbol this reader's enum of that name
   * lacks.
   */
  private final Map<Long, Boolean> writerHasUnknownSymbols = new ConcurrentHashMap<>();

  private AvroCodec(Class<T> type) {
    AvroTrust.ensure();
    this.type = type;
    this.schema = SpecificData.get().getSchema(type);
    this.encoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
    this.decoder = new BinaryMessageDecoder<>(SpecificData.get(), schema, writerSchemas);
    this.ownFingerprint = SchemaNormalization.parsingFingerprint64(schema);
  }

  /**
   * A codec for a generated record class, which also reads every historical schema shipped in the
   * jar.
   */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    AvroCodec<T> codec = new AvroCodec<>(type);
    for (Schema old : SchemaHistory.writerSchemasOf(codec.schema.getFullName())) {
      codec.writerSchemas.addSchema(old);
    }
    return codec;
  }

  /**
   * Registers an older (or foreign) writer schema whose records this codec should be able to read.
   */
  public AvroCodec<T> withWriterSchema(Schema writer) {
    writerSchemas.addSchema(writer);
    decoder.addSchema(writer);
    return this;
  }

  public Schema schema() {
    return schema;
  }

  public Class<T> type() {
    return type;
  }

  /** Encodes one record; does not mutate it. */
  public byte[] encode(T record) {
    try {
      ByteBuffer buffer = encoder.encode(record);
      byte[] bytes = new byte[buffer.remaining()];
      buffer.get(bytes);
      return bytes;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode " + schema.getName(), e);
    }
  }

  /**
   * Decodes one record.
   *
   * @throws RecordDecodingException with a human-readable reason when the bytes are not a record of
   *     a known schema
   */
  public T decode(byte[] bytes) {
    if (bytes == null) {
      throw new RecordDecodingException("empty record (null value), expected " + schema.getName());
    }
    try {
      return decoder.decode(bytes);
    } catch (org.apache.avro.message.MissingSchemaException e) {
      throw new RecordDecodingException(
          "written by an unknown schema (fingerprint not registered) for " + schema.getName(), e);
    } catch (org.apache.avro.message.BadHeaderException e) {
      throw new RecordDecodingException(
          "not Avro single-object encoded (" + e.getMessage() + "), expected " + schema.getName(),
          e);
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException("cannot decode " + schema.getName() + ": " + e, e);
    }
  }

  /**
   * As {@link #decode(byte[])}, but a record whose enum symbol this reader does not know is
   * rejected instead of read as the enum's default: for input where a new symbol means something
   * the reader must not guess (a trainer weighting an unknown event type as a click). Costs a
   * second, generic decode only for records of a registered writer schema whose enums have symbols
   * ours lack.
   *
   * @throws RecordDecodingException as {@link #decode(byte[])}, or naming the unknown symbol
   */
  public T decodeStrict(byte[] bytes) {
    Schema writer = writerSchemaOf(bytes);
    if (writer != null
        && writerHasUnknownSymbols.computeIfAbsent(
            fingerprintOf(bytes), fp -> EnumSymbols.writerHasSymbolsReaderLacks(writer, schema))) {
      Object generic;
      try {
        generic =
            new GenericDatumReader<>(writer)
                .read(
                    null,
                    DecoderFactory.get()
                        .binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES, null));
      } catch (IOException | RuntimeException e) {
        throw new RecordDecodingException("cannot decode " + schema.getName() + ": " + e, e);
      }
      String unknown = EnumSymbols.firstUnknown(generic, writer, schema);
      if (unknown != null) {
        throw new RecordDecodingException(unknown);
      }
    }
    return decode(bytes);
  }

  private static final int HEADER_BYTES = 10;

  /** The registered writer schema of a single-object encoded record other than our own, or null. */
  private Schema writerSchemaOf(byte[] bytes) {
    if (bytes == null
        || bytes.length < HEADER_BYTES
        || bytes[0] != (byte) 0xC3
        || bytes[1] != 0x01) {
      return null; // decode() explains what is wrong
    }
    long fingerprint = fingerprintOf(bytes);
    return fingerprint == ownFingerprint ? null : writerSchemas.findByFingerprint(fingerprint);
  }

  private static long fingerprintOf(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
  }

  /** Decodes a record from a stream, for files of concatenated records. */
  public T decode(InputStream in) throws IOException {
    return decoder.decode(in);
  }
}

package io.towerstream.cli.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Writes exported vectors as one Parquet file per entity kind, through parquet-avro: one row per id
 * with {@code id}, {@code vector} (a list of float, in the three-level list layout of the Parquet
 * specification rather than parquet-avro's older two-level default), {@code bias}, {@code
 * sequence}, {@code modelVersion} and {@code updatedAt} (timestamp, milliseconds). The file's
 * key-value metadata carries {@code towerstream.export.format-version}.
 */
public final class ParquetExport {
  /** Bumped whenever a column is added, removed or changes meaning. */
  public static final int FORMAT_VERSION = 1;

  public static final String FORMAT_VERSION_KEY = "towerstream.export.format-version";

  public static final Schema SCHEMA =
      SchemaBuilder.record("ExportedEmbedding")
          .namespace("io.towerstream.export")
          .doc("One user's or item's vector of one model version, as towerstream export writes it.")
          .fields()
          .requiredString("id")
          .name("vector")
          .type()
          .array()
          .items()
          .floatType()
          .noDefault()
          .requiredFloat("bias")
          .requiredLong("sequence")
          .requiredLong("modelVersion")
          .name("updatedAt")
          .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
          .noDefault()
          .endRecord();

  private ParquetExport() {}

  /** Writes {@code rows} to {@code file}, which must not exist. */
  public static void write(Path file, List<ExportedVector> rows) throws IOException {
    PlainParquetConfiguration conf = new PlainParquetConfiguration();
    // parquet-avro's default is the old two-level list, which readers other than parquet-avro may
    // name or nest differently
    conf.set(AvroWriteSupport.WRITE_OLD_LIST_STRUCTURE, "false");
    try (ParquetWriter<GenericRecord> writer =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(SCHEMA)
            .withConf(conf)
            .withExtraMetaData(Map.of(FORMAT_VERSION_KEY, Integer.toString(FORMAT_VERSION)))
            .build()) {
      for (ExportedVector v : rows) {
        GenericData.Array<Float> vector =
            new GenericData.Array<>(v.vector().length, SCHEMA.getField("vector").schema());
        for (float x : v.vector()) {
          vector.add(x);
        }
        GenericRecord r = new GenericData.Record(SCHEMA);
        r.put("id", v.id());
        r.put("vector", vector);
        r.put("bias", v.bias());
        r.put("sequence", v.sequence());
        r.put("modelVersion", v.modelVersion());
        r.put("updatedAt", v.updatedAt());
        writer.write(r);
      }
    }
  }
}

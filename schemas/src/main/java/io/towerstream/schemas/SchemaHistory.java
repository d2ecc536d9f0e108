package io.towerstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;

/**
 * Older versions of our schemas that may still be on a topic. When a schema in {@code schemas/avro}
 * changes compatibly, the previous {@code .avsc} is copied to {@code schemas/avro/history/} and
 * named in {@code history/index.properties} ({@code <full name>=file1,file2}); decoders register
 * them so old records stay readable.
 */
final class SchemaHistory {
  private static final String ROOT = "/towerstream/schemas/history/";

  private SchemaHistory() {}

  static List<Schema> writerSchemasOf(String fullName) {
    Properties index = new Properties();
    try (InputStream in = SchemaHistory.class.getResourceAsStream(ROOT + "index.properties")) {
      if (in == null) {
        return List.of();
      }
      index.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema history index", e);
    }
    String files = index.getProperty(fullName, "").trim();
    List<Schema> schemas = new ArrayList<>();
    if (files.isEmpty()) {
      return schemas;
    }
    for (String file : files.split(",")) {
      try (InputStream in = SchemaHistory.class.getResourceAsStream(ROOT + file.trim())) {
        if (in == null) {
          throw new IllegalStateException("schema history names missing file " + file);
        }
        schemas.add(
            new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read historical schema " + file, e);
      }
    }
    return schemas;
  }
}

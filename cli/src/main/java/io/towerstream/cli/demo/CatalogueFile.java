package io.towerstream.cli.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * An item catalogue file, read whole into one {@link ItemFeatures} per item (in file order) before
 * anything is produced: a malformed line fails the read naming the file and line, so a broken
 * catalogue is seen at start, not as a partial one on the topic.
 *
 * <ul>
 *   <li>{@link Format#MOVIELENS}: MovieLens {@code u.item} ({@link
 *       ItemFeatureProducer#readMovieLens}).
 *   <li>{@link Format#CSV}: UTF-8, RFC 4180 quoting, a header line. The first column is the item
 *       id; a column named {@code categories} or {@code tags} holds a list separated by {@code |};
 *       every other column is a numeric feature named by its header, a finite number or empty.
 *   <li>{@link Format#JSONL}: UTF-8, one JSON object per line in the shape {@code
 *       --item-features.json.*} maps (the same one the topic's JSON records have), read as strictly
 *       as the trainer reads them; blank lines are skipped.
 * </ul>
 */
public final class CatalogueFile {
  /** The catalogue file formats {@code produce --items} reads. */
  public enum Format {
    MOVIELENS,
    CSV,
    JSONL;

    /** The name on the command line, e.g. {@code jsonl}. */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Format parse(String value) {
      for (Format f : values()) {
        if (f.cliName().equalsIgnoreCase(value.strip())) {
          return f;
        }
      }
      throw new IllegalArgumentException(
          "unknown catalogue format '" + value + "': expected movielens, csv or jsonl");
    }
  }

  private static final String LIST_SEPARATOR = "\\|";

  private CatalogueFile() {}

  /**
   * The items of {@code path}, stamped {@code updatedAt}.
   *
   * @param json how a JSON-lines file names its fields (unused by the other formats)
   * @throws IllegalArgumentException naming the file and line of a malformed line, or a missing
   *     file
   */
  public static List<ItemFeatures> read(
      Path path, Format format, ItemFeaturesJson json, Instant updatedAt) throws IOException {
    if (format == Format.MOVIELENS) {
      return ItemFeatureProducer.readMovieLens(path, updatedAt);
    }
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such item file: " + path.toAbsolutePath());
    }
    try {
      return format == Format.CSV ? readCsv(path, updatedAt) : readJsonLines(path, json, updatedAt);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(path + " is not valid UTF-8", e);
    }
  }

  private static List<ItemFeatures> readJsonLines(
      Path path, ItemFeaturesJson json, Instant updatedAt) throws IOException {
    List<ItemFeatures> out = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(utf8(path))) {
      String line;
      long lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        try {
          out.add(json.decode(line.getBytes(StandardCharsets.UTF_8), updatedAt));
        } catch (RecordDecodingException e) {
          throw malformed(path, lineNumber, e.getMessage());
        }
      }
    }
    return out;
  }

  private static List<ItemFeatures> readCsv(Path path, Instant updatedAt) throws IOException {
    // rows as plain string arrays: the header is checked here, not bound to a schema, so that a
    // row with too few or too many cells fails instead of being padded or cut
    CsvMapper mapper =
        CsvMapper.builder()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .build();
    List<ItemFeatures> out = new ArrayList<>();
    try (Reader reader = utf8(path);
        MappingIterator<String[]> rows = mapper.readerFor(String[].class).readValues(reader)) {
      if (!rows.hasNextValue()) {
        throw malformed(path, 1, "no header line");
      }
      List<String> header = List.of(rows.nextValue()).stream().map(String::strip).toList();
      checkHeader(path, header);
      while (rows.hasNextValue()) {
        long line = rows.getCurrentLocation().getLineNr();
        out.add(item(path, line, header, List.of(rows.nextValue()), updatedAt));
      }
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw malformed(path, line, e.getOriginalMessage());
    }
    return out;
  }

  private static void checkHeader(Path path, List<String> header) {
    Set<String> seen = new HashSet<>();
    for (String column : header) {
      if (column.isEmpty() || !seen.add(column)) {
        throw malformed(
            path, 1, "header columns must be named and distinct, got " + String.join(",", header));
      }
    }
  }

  private static ItemFeatures item(
      Path path, long line, List<String> header, List<String> row, Instant updatedAt) {
    if (row.size() != header.size()) {
      throw malformed(
          path, line, "expected " + header.size() + " columns as the header, got " + row.size());
    }
    String id = row.get(0).strip();
    if (id.isEmpty()) {
      throw malformed(path, line, "empty item id in column " + header.get(0));
    }
    List<String> categories = new ArrayList<>();
    List<String> tags = new ArrayList<>();
    Map<String, Double> numeric = new LinkedHashMap<>();
    for (int c = 1; c < header.size(); c++) {
      String cell = row.get(c).strip();
      String column = header.get(c);
      if (cell.isEmpty()) {
        continue;
      }
      switch (column) {
        case "categories" -> categories.addAll(list(cell));
        case "tags" -> tags.addAll(list(cell));
        default -> numeric.put(column, number(path, line, column, cell));
      }
    }
    return ItemFeatures.newBuilder()
        .setItemId(id)
        .setCategories(categories)
        .setTags(tags)
        .setNumeric(numeric)
        .setUpdatedAt(updatedAt)
        .build();
  }

  private static List<String> list(String cell) {
    List<String> out = new ArrayList<>();
    for (String value : cell.split(LIST_SEPARATOR)) {
      if (!value.isBlank()) {
        out.add(value.strip());
      }
    }
    return out;
  }

  private static double number(Path path, long line, String column, String cell) {
    double v;
    try {
      // BigDecimal, not Double.parseDouble: no NaN, Infinity, hex or 1d
      v = new BigDecimal(cell).doubleValue();
    } catch (NumberFormatException e) {
      throw malformed(path, line, column + " is '" + cell + "', not a number");
    }
    if (!Double.isFinite(v)) {
      throw malformed(path, line, column + " is '" + cell + "', not a finite number");
    }
    return v;
  }

  private static Reader utf8(Path path) throws IOException {
    return new InputStreamReader(
        Files.newInputStream(path),
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT));
  }

  private static IllegalArgumentException malformed(Path file, long line, String why) {
    return new IllegalArgumentException(file + " line " + line + ": " + why);
  }
}

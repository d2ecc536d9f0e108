package io.towerstream.cli.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a click log into memory, sorted by (timestamp, line number): MovieLens files are not in
 * time order and many events share a second, so replay order must be made deterministic here.
 *
 * <p>A malformed line fails the whole read with its line number: a dataset with broken lines is a
 * configuration error the user should see at start, not a silent partial replay.
 */
public final class ClickFileReader {
  /** Timestamps below this are taken as seconds, above as milliseconds (2001-09-09 in seconds). */
  private static final long SECONDS_THRESHOLD = 1_000_000_000_000L;

  private ClickFileReader() {}

  public static List<ClickRecord> readSorted(Path path, ClickFileFormat format) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such data file: " + path.toAbsolutePath());
    }
    List<ClickRecord> records = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
      String line;
      long lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        ClickRecord record = parse(line, lineNumber, format);
        if (record != null) {
          records.add(record);
        }
      }
    }
    records.sort(
        Comparator.comparingLong(ClickRecord::timestampMillis)
            .thenComparingLong(ClickRecord::lineNumber));
    return records;
  }

  static ClickRecord parse(String line, long lineNumber, ClickFileFormat format) {
    String[] fields = format == ClickFileFormat.MOVIELENS ? line.split("\t") : line.split(",");
    int expected = format == ClickFileFormat.MOVIELENS ? 4 : 3;
    if (fields.length < expected) {
      throw malformed(lineNumber, line, "expected " + expected + " fields, found " + fields.length);
    }
    String user = fields[0].trim();
    String item = fields[1].trim();
    String time = fields[format == ClickFileFormat.MOVIELENS ? 3 : 2].trim();
    if (format == ClickFileFormat.CSV && lineNumber == 1 && !isLong(time)) {
      return null; // header
    }
    if (user.isEmpty() || item.isEmpty()) {
      throw malformed(lineNumber, line, "empty user or item id");
    }
    if (!isLong(time)) {
      throw malformed(lineNumber, line, "timestamp '" + time + "' is not an integer");
    }
    long ts = Long.parseLong(time);
    long millis = ts < SECONDS_THRESHOLD ? ts * 1000 : ts;
    return new ClickRecord(user, item, millis, lineNumber);
  }

  private static boolean isLong(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isDigit(c) || (i == 0 && c == '-'))) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException malformed(long lineNumber, String line, String why) {
    String shown = line.length() > 80 ? line.substring(0, 80) + "…" : line;
    return new IllegalArgumentException(
        "line " + lineNumber + " is malformed (" + why + "): " + shown);
  }
}

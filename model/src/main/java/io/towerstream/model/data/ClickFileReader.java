package io.towerstream.model.data;

import io.towerstream.model.Interaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The one reader of click logs, shared by the demo, {@code towerstream eval}, the benchmarks and
 * the offline harness, so that all of them see the same stream: sorted by (timestamp, line number),
 * because MovieLens files are not in time order and many events share a second.
 *
 * <ul>
 *   <li>{@link ClickFileFormat#MOVIELENS}: {@code u.data} lines {@code user TAB item TAB rating TAB
 *       seconds} (every rating is a click), or a directory holding {@code u.data}; read as
 *       ISO-8859-1, as GroupLens ships its files.
 *   <li>{@link ClickFileFormat#CSV}: {@code user,item,timestamp} in UTF-8 (an invalid byte fails
 *       with its line); the first line is a header, and skipped, when its timestamp is not an
 *       integer.
 * </ul>
 *
 * Timestamps below 10^12 are seconds, above it milliseconds (10^12 ms is 2001-09-09; 10^12 s is
 * 33,000 years away). A malformed line fails the whole read with its line number: a dataset with
 * broken lines is a configuration error the user should see at start, not a silent partial replay.
 */
public final class ClickFileReader {
  private static final long SECONDS_THRESHOLD = 1_000_000_000_000L;

  private ClickFileReader() {}

  /**
   * @throws IllegalArgumentException when the file does not exist or a line is malformed
   * @throws IOException when it cannot be read
   */
  public static List<ClickRecord> readSorted(Path path, ClickFileFormat format) throws IOException {
    Path file =
        format == ClickFileFormat.MOVIELENS && Files.isDirectory(path)
            ? path.resolve("u.data")
            : path;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such data file: " + file.toAbsolutePath());
    }
    List<ClickRecord> records = new ArrayList<>();
    try (BufferedReader reader = open(file, format)) {
      String line;
      long lineNumber = 0;
      boolean first = true;
      while ((line = readLine(reader, file, lineNumber + 1)) != null) {
        lineNumber++;
        if (line.isBlank()) {
          continue;
        }
        ClickRecord record = parse(line, lineNumber, format, first);
        first = false;
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

  /** The records as the model's interactions (weight 1), in their order. */
  public static List<Interaction> interactions(List<ClickRecord> records) {
    List<Interaction> out = new ArrayList<>(records.size());
    for (ClickRecord r : records) {
      out.add(new Interaction(r.userId(), r.itemId(), 1f, r.timestampMillis()));
    }
    return out;
  }

  /** {@link #readSorted} as interactions, for the offline harness and tests. */
  public static List<Interaction> readInteractions(Path path, ClickFileFormat format)
      throws IOException {
    return interactions(readSorted(path, format));
  }

  private static BufferedReader open(Path file, ClickFileFormat format) throws IOException {
    if (format == ClickFileFormat.MOVIELENS) {
      return Files.newBufferedReader(file, StandardCharsets.ISO_8859_1);
    }
    CharsetDecoder strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), strict));
  }

  private static String readLine(BufferedReader reader, Path file, long lineNumber)
      throws IOException {
    try {
      return reader.readLine();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          file + ": line " + lineNumber + " (or the buffer around it) is not valid UTF-8", e);
    }
  }

  static ClickRecord parse(String line, long lineNumber, ClickFileFormat format, boolean first) {
    String[] fields = format == ClickFileFormat.MOVIELENS ? line.split("\t") : line.split(",");
    int expected = format == ClickFileFormat.MOVIELENS ? 4 : 3;
    if (fields.length < expected) {
      throw malformed(lineNumber, line, "expected " + expected + " fields, found " + fields.length);
    }
    String user = fields[0].trim();
    String item = fields[1].trim();
    String time = fields[format == ClickFileFormat.MOVIELENS ? 3 : 2].trim();
    if (format == ClickFileFormat.CSV && first && !isLong(time)) {
      return null; // header
    }
    if (user.isEmpty() || item.isEmpty()) {
      throw malformed(lineNumber, line, "empty user or item id");
    }
    if (!isLong(time)) {
      throw malformed(lineNumber, line, "timestamp '" + time + "' is not an integer");
    }
    long ts;
    try {
      ts = Long.parseLong(time);
    } catch (NumberFormatException e) {
      throw malformed(lineNumber, line, "timestamp '" + time + "' is out of range");
    }
    long millis = ts < SECONDS_THRESHOLD ? ts * 1000 : ts;
    return new ClickRecord(user, item, millis, lineNumber);
  }

  private static boolean isLong(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(Character.isDigit(c) || (i == 0 && c == '-' && s.length() > 1))) {
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

package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads click logs into the event-time order the evaluation protocol uses: sorted by (timestamp,
 * line number), so equal timestamps keep the file's order and every run sees the same stream.
 */
public final class ClickLogs {
  private ClickLogs() {}

  /**
   * MovieLens {@code u.data} (user TAB item TAB rating TAB unix-seconds; every rating is a click),
   * or a directory holding it. Also reads {@code user,item,timestamp} CSV when {@code csv} is true
   * (a header line whose third field is not a number is skipped; timestamps in seconds).
   */
  public static List<Interaction> read(Path path, boolean csv) {
    Path file = Files.isDirectory(path) ? path.resolve("u.data") : path;
    List<long[]> order = new ArrayList<>();
    List<Interaction> rows = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = csv ? line.split(",") : line.split("\t");
        int tsField = csv ? 2 : 3;
        if (f.length <= tsField) {
          throw new IllegalArgumentException(
              file + ":" + lineNo + ": expected " + (tsField + 1) + " fields");
        }
        long ts;
        try {
          ts = Long.parseLong(f[tsField].trim());
        } catch (NumberFormatException e) {
          if (csv && rows.isEmpty()) {
            continue; // header
          }
          throw new IllegalArgumentException(
              file + ":" + lineNo + ": bad timestamp '" + f[tsField] + "'", e);
        }
        order.add(new long[] {ts, lineNo, rows.size()});
        rows.add(new Interaction(f[0].trim(), f[1].trim(), 1f, ts * 1000L));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read click log " + file, e);
    }
    order.sort(Comparator.<long[]>comparingLong(o -> o[0]).thenComparingLong(o -> o[1]));
    List<Interaction> sorted = new ArrayList<>(rows.size());
    for (long[] o : order) {
      sorted.add(rows.get((int) o[2]));
    }
    return sorted;
  }
}

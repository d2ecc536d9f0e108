package io.towerstream.model.data;

import java.util.Locale;

/** The click-log file formats the CLI reads. */
public enum ClickFileFormat {
  /** MovieLens {@code u.data}: {@code user<TAB>item<TAB>rating<TAB>unix seconds}, no header. */
  MOVIELENS,
  /**
   * {@code user,item,timestamp} with timestamp in unix seconds or millis; an optional header line.
   */
  CSV;

  /** Parses a command-line value such as {@code movielens} or {@code csv}. */
  public static ClickFileFormat parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown format '" + value + "': expected movielens or csv", e);
    }
  }
}

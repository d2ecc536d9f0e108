package io.towerstream.cli.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Item titles from a MovieLens {@code u.item} file ({@code id|title|...}, ISO-8859-1). */
public final class ItemTitles {
  private ItemTitles() {}

  public static Map<String, String> read(Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such item file: " + path.toAbsolutePath());
    }
    Map<String, String> titles = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.ISO_8859_1)) {
      String line;
      while ((line = reader.readLine()) != null) {
        int first = line.indexOf('|');
        if (first <= 0) {
          continue;
        }
        int second = line.indexOf('|', first + 1);
        titles.put(line.substring(0, first), line.substring(first + 1, second < 0 ? line.length() : second));
      }
    }
    return titles;
  }
}

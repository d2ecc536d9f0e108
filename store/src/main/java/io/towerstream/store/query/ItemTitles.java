package io.towerstream.store.query;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Human-readable item titles for the API and the dashboard, read once at start: a MovieLens {@code
 * u.item} file ({@code id|title|...}, ISO-8859-1, recognised by its {@code |}) or a CSV of {@code
 * id,title} (UTF-8, a title may hold further commas, or be quoted as CSV writers quote, {@code "a
 * ""b"", c"}; a header line {@code id,title} is skipped). Immutable after loading.
 */
public final class ItemTitles {
  private ItemTitles() {}

  /**
   * @throws IllegalArgumentException when the file does not exist, holds no title, or cannot be
   *     read
   */
  public static Map<String, String> read(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new IllegalArgumentException("no such item file: " + path.toAbsolutePath());
    }
    boolean movieLens = firstLine(path, StandardCharsets.ISO_8859_1).indexOf('|') > 0;
    Charset charset = movieLens ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
    char separator = movieLens ? '|' : ',';
    Map<String, String> titles = new HashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(path, charset)) {
      String line;
      boolean first = true;
      while ((line = reader.readLine()) != null) {
        boolean header = first && !movieLens && line.strip().equalsIgnoreCase("id,title");
        first = false;
        int cut = line.indexOf(separator);
        if (header || cut <= 0) {
          continue;
        }
        int end = movieLens ? line.indexOf('|', cut + 1) : -1;
        String title = unquote(line.substring(cut + 1, end < 0 ? line.length() : end).strip());
        if (!title.isEmpty()) {
          titles.put(line.substring(0, cut).strip(), title);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read item titles from " + path + ": " + e.getMessage(), e);
    }
    if (titles.isEmpty()) {
      throw new IllegalArgumentException(
          "no item titles in " + path + " (expected id|title|... or id,title lines)");
    }
    return Map.copyOf(titles);
  }

  private static String unquote(String title) {
    if (title.length() >= 2 && title.startsWith("\"") && title.endsWith("\"")) {
      return title.substring(1, title.length() - 1).replace("\"\"", "\"");
    }
    return title;
  }

  private static String firstLine(Path path, Charset charset) {
    try (BufferedReader reader = Files.newBufferedReader(path, charset)) {
      String line = reader.readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.towerstream.model.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a MovieLens {@code u.item} file (ISO-8859-1, {@code id|title|release date|video date|URL|19
 * genre flags}) as the side features of each item: the genres flagged 1 as categories, the release
 * year as the numeric feature {@code year}. The one reader of catalogue features, shared by the
 * demo's feature producer, {@code towerstream eval} and the offline harness. A malformed line fails
 * the read with its file and line number.
 */
public final class ItemCatalogueReader {
  /** The genre columns of {@code u.item}, in file order (MovieLens-100K README). */
  public static final List<String> GENRES =
      List.of(
          "unknown",
          "Action",
          "Adventure",
          "Animation",
          "Children's",
          "Comedy",
          "Crime",
          "Documentary",
          "Drama",
          "Fantasy",
          "Film-Noir",
          "Horror",
          "Musical",
          "Mystery",
          "Romance",
          "Sci-Fi",
          "Thriller",
          "War",
          "Western");

  private static final int FIXED_COLUMNS = 5;

  private ItemCatalogueReader() {}

  /** One item's side features as the catalogue gives them. */
  public record CatalogueItem(
      String itemId, String title, List<String> categories, Map<String, Double> numeric) {}

  /**
   * The items in file order.
   *
   * @throws IllegalArgumentException when the file does not exist or a line is malformed
   */
  public static List<CatalogueItem> readMovieLens(Path path) throws IOException {
    Path file = Files.isDirectory(path) ? path.resolve("u.item") : path;
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such item file: " + file.toAbsolutePath());
    }
    List<CatalogueItem> items = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
      String line;
      long lineNumber = 0;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        if (!line.isBlank()) {
          items.add(parse(line, file, lineNumber));
        }
      }
    }
    return items;
  }

  static CatalogueItem parse(String line, Path file, long lineNumber) {
    String[] f = line.split("\\|", -1);
    if (f.length != FIXED_COLUMNS + GENRES.size() || f[0].isBlank()) {
      throw malformed(
          file,
          lineNumber,
          "expected id|title|release date|video date|url and "
              + GENRES.size()
              + " genre flags, got "
              + f.length
              + " fields");
    }
    List<String> categories = new ArrayList<>();
    for (int g = 0; g < GENRES.size(); g++) {
      String flag = f[FIXED_COLUMNS + g].strip();
      if (flag.equals("1")) {
        categories.add(GENRES.get(g));
      } else if (!flag.equals("0")) {
        throw malformed(file, lineNumber, "genre flag " + GENRES.get(g) + " is '" + flag + "'");
      }
    }
    Map<String, Double> numeric = new LinkedHashMap<>();
    String date = f[2].strip(); // 01-Jan-1995; empty for a few items
    if (!date.isEmpty()) {
      String year = date.substring(date.lastIndexOf('-') + 1);
      try {
        numeric.put("year", (double) Integer.parseInt(year));
      } catch (NumberFormatException e) {
        throw malformed(file, lineNumber, "release date '" + date + "' has no year");
      }
    }
    return new CatalogueItem(f[0].strip(), f[1], categories, numeric);
  }

  private static IllegalArgumentException malformed(Path file, long line, String why) {
    return new IllegalArgumentException(file + " line " + line + ": " + why);
  }
}

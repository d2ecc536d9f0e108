package io.towerstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ItemCatalogueReaderTest {
  @TempDir Path dir;

  private static String line(String id, String title, String date, int... genres) {
    int[] flags = new int[19];
    for (int g : genres) {
      flags[g] = 1;
    }
    StringBuilder b = new StringBuilder(id + "|" + title + "|" + date + "||http://x");
    for (int f : flags) {
      b.append('|').append(f);
    }
    return b.toString();
  }

  @Test
  void genresBecomeCategoriesAndTheReleaseYearANumber() throws IOException {
    Path file = dir.resolve("u.item");
    Files.write(
        file,
        List.of(
            line("1", "Toy Story (1995)", "01-Jan-1995", 3, 4, 5),
            line("267", "unknown", ""),
            line("3", "Caf\u00e9 (1996)", "05-Feb-1996", 8)),
        StandardCharsets.ISO_8859_1);
    List<ItemCatalogueReader.CatalogueItem> items = ItemCatalogueReader.readMovieLens(dir);
    assertThat(items).hasSize(3);
    assertThat(items.get(0).categories()).containsExactly("Animation", "Children's", "Comedy");
    assertThat(items.get(0).numeric()).isEqualTo(Map.of("year", 1995.0));
    assertThat(items.get(1).categories()).isEmpty();
    assertThat(items.get(1).numeric()).as("no release date, no year").isEmpty();
    assertThat(items.get(2).title()).isEqualTo("Caf\u00e9 (1996)");
  }

  @Test
  void aMalformedLineFailsWithItsFileAndLine() throws IOException {
    Path file = dir.resolve("u.item");
    Files.write(
        file,
        List.of(line("1", "a", "01-Jan-1995", 1), "2|b|01-Jan-1995||url|0|1"),
        StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ItemCatalogueReader.readMovieLens(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("u.item line 2")
        .hasMessageContaining("genre flags");
    Files.write(file, List.of(line("1", "a", "01-Jan-19x5", 1)), StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ItemCatalogueReader.readMovieLens(file))
        .hasMessageContaining("line 1")
        .hasMessageContaining("no year");
    assertThatThrownBy(() -> ItemCatalogueReader.readMovieLens(dir.resolve("none")))
        .hasMessageContaining("no such item file");
  }
}

package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ItemFeatures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A MovieLens {@code u.item} catalogue as the ItemFeatures records the demo and produce send. */
class ItemFeatureProducerTest {
  private static final Instant AT = Instant.ofEpochMilli(1_700_000_000_000L);

  /** Five fixed columns, then the 19 genre flags: unknown, Action, ..., Western. */
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
  void eachItemBecomesItsGenresAndReleaseYearUnderTheIdTheClicksUse(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("u.item");
    Files.writeString(
        file,
        String.join(
                "\n",
                line(
                    "1",
                    "Toy Story (1995)",
                    "01-Jan-1995",
                    3,
                    4,
                    5), // Animation, Children's, Comedy
                line("267", "unknown", "", 0),
                line("1536", "Aiqing wansui (1994)", "22-Jul-1996", 8), // Drama
                line("1300", "'Til There Was You (1997)", "23-May-1997", 5, 14))
            + "\n",
        StandardCharsets.ISO_8859_1);

    List<ItemFeatures> records = ItemFeatureProducer.readMovieLens(file, AT);

    assertThat(records)
        .extracting(ItemFeatures::getItemId)
        .containsExactly("1", "267", "1536", "1300");
    ItemFeatures toyStory = records.get(0);
    assertThat(toyStory.getCategories()).containsExactly("Animation", "Children's", "Comedy");
    assertThat(toyStory.getTags()).isEmpty();
    assertThat(toyStory.getNumeric()).isEqualTo(Map.of("year", 1995.0));
    assertThat(toyStory.getUpdatedAt()).isEqualTo(AT);
    assertThat(records.get(1).getCategories()).containsExactly("unknown");
    assertThat(records.get(1).getNumeric()).as("no release date, no year").isEmpty();
    assertThat(records.get(3).getCategories()).containsExactly("Comedy", "Romance");
    assertThat(records.get(3).getNumeric()).containsEntry("year", 1997.0);
    // what goes on the topic reads back the same
    for (ItemFeatures r : records) {
      assertThat(Topics.ITEM_FEATURES.codec().decode(Topics.ITEM_FEATURES.codec().encode(r)))
          .isEqualTo(r);
    }
    assertThat(ItemFeatureProducer.readMovieLens(dir, AT)).as("the directory").isEqualTo(records);
  }

  @Test
  void aMalformedLineFailsNamingTheFileAndLine(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("u.item");
    Files.writeString(
        file,
        line("1", "Toy Story (1995)", "01-Jan-1995", 3) + "\n1|Truncated|01-Jan-1995\n",
        StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ItemFeatureProducer.readMovieLens(file, AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("line 2");
    Files.writeString(
        file, line("1", "Toy Story", "sometime", 3) + "\n", StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ItemFeatureProducer.readMovieLens(file, AT))
        .hasMessageContaining("line 1")
        .hasMessageContaining("sometime");
    assertThatThrownBy(() -> ItemFeatureProducer.readMovieLens(dir.resolve("none"), AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no such item file");
  }

  @Test
  void movieLens100kGivesEveryClickedItemItsFeatures() throws Exception {
    String dir = System.getProperty("towerstream.data.dir", "");
    assumeTrue(
        !dir.isBlank() && Files.exists(Path.of(dir, "u.item")),
        "MovieLens-100K not given: set TOWERSTREAM_DATA_DIR to the ml-100k folder to run this test");
    List<ItemFeatures> records = ItemFeatureProducer.readMovieLens(Path.of(dir, "u.item"), AT);
    assertThat(records).hasSize(1682);
    Set<String> ids = records.stream().map(ItemFeatures::getItemId).collect(Collectors.toSet());
    Set<String> clicked =
        ClickFileReader.readSorted(Path.of(dir, "u.data"), ClickFileFormat.MOVIELENS).stream()
            .map(ClickRecord::itemId)
            .collect(Collectors.toSet());
    assertThat(ids).containsAll(clicked);
    assertThat(records).allSatisfy(r -> assertThat(r.getCategories()).isNotEmpty());
  }
}

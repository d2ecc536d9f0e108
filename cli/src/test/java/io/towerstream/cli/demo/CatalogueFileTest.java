package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.cli.demo.CatalogueFile.Format;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CatalogueFileTest {
  private static final Instant AT = Instant.parse("2024-05-01T00:00:00Z");

  @TempDir Path dir;

  private Path file(String name, String text) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, text, StandardCharsets.UTF_8);
    return p;
  }

  private List<ItemFeatures> read(Path p, Format format) throws Exception {
    return CatalogueFile.read(p, format, ItemFeaturesJson.DEFAULTS, AT);
  }

  @Test
  void csvTakesTheFirstColumnAsIdListsSplitOnBarAndEveryOtherColumnAsANumber() throws Exception {
    Path csv =
        file(
            "items.csv",
            "sku,categories,tags,year,price\n"
                + "a1,Comedy|Drama,\"classic, restored\",1995,9.5\n"
                + "\n"
                + "\"b,2\",,,,\n");

    List<ItemFeatures> items = read(csv, Format.CSV);

    assertThat(items).hasSize(2);
    ItemFeatures a = items.get(0);
    assertThat(a.getItemId()).isEqualTo("a1");
    assertThat(a.getCategories()).containsExactly("Comedy", "Drama");
    assertThat(a.getTags()).containsExactly("classic, restored");
    assertThat(a.getNumeric()).containsEntry("year", 1995.0).containsEntry("price", 9.5);
    assertThat(a.getUpdatedAt()).isEqualTo(AT);
    ItemFeatures b = items.get(1);
    assertThat(b.getItemId()).as("quoted, with a comma").isEqualTo("b,2");
    assertThat(b.getCategories()).isEmpty();
    assertThat(b.getNumeric()).as("empty cells are no value").isEmpty();
  }

  @Test
  void aMalformedCsvLineFailsNamingTheFileLineAndProblem() throws Exception {
    assertThatThrownBy(() -> read(file("n.csv", "id,year\na,1995\nb,NaN\n"), Format.CSV))
        .hasMessageContaining("n.csv line 3: year is 'NaN', not a number");
    assertThatThrownBy(() -> read(file("h.csv", "id,year\na,0x10\n"), Format.CSV))
        .hasMessageContaining("line 2: year is '0x10', not a number");
    assertThatThrownBy(() -> read(file("i.csv", "id,year\na,1e999\n"), Format.CSV))
        .hasMessageContaining("year is '1e999', not a finite number");
    assertThatThrownBy(() -> read(file("c.csv", "id,year\na,1995,x\n"), Format.CSV))
        .hasMessageContaining("line 2: expected 2 columns as the header, got 3");
    assertThatThrownBy(() -> read(file("d.csv", "id,year,year\n"), Format.CSV))
        .hasMessageContaining("line 1: header columns must be named and distinct");
    assertThatThrownBy(() -> read(file("e.csv", "id,year\n ,1\n"), Format.CSV))
        .hasMessageContaining("line 2: empty item id in column id");
    assertThatThrownBy(() -> read(file("q.csv", "id,year\n\"a,1\n"), Format.CSV))
        .hasMessageContaining("q.csv line");
  }

  @Test
  void jsonLinesAreReadInTheItemFeaturesMappingAndABadLineIsNamed() throws Exception {
    Path jsonl =
        file(
            "items.jsonl",
            "{\"sku\":\"a1\",\"genres\":[\"Comedy\"],\"attrs\":{\"year\":1995}}\n"
                + "\n"
                + "{\"sku\":7}\n");
    ItemFeaturesJson mapping = new ItemFeaturesJson("sku", "genres", "", "attrs");

    List<ItemFeatures> items = CatalogueFile.read(jsonl, Format.JSONL, mapping, AT);
    assertThat(items).extracting(ItemFeatures::getItemId).containsExactly("a1", "7");
    assertThat(items.get(0).getCategories()).containsExactly("Comedy");
    assertThat(items.get(0).getNumeric()).containsEntry("year", 1995.0);

    Path bad = file("bad.jsonl", "{\"sku\":\"a\"}\n{\"sku\":\"b\",\"sku\":\"c\"}\n");
    assertThatThrownBy(() -> CatalogueFile.read(bad, Format.JSONL, mapping, AT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bad.jsonl line 2: not valid JSON: Duplicate field 'sku'");
  }

  @Test
  void invalidUtf8AndAMissingFileAreRefused() throws Exception {
    Path latin1 = dir.resolve("l.jsonl");
    Files.write(
        latin1,
        new byte[] {'{', '"', 'i', 't', 'e', 'm', 'I', 'd', '"', ':', '"', (byte) 0xE9, '"', '}'});
    assertThatThrownBy(() -> read(latin1, Format.JSONL)).hasMessageContaining("not valid UTF-8");
    assertThatThrownBy(() -> read(dir.resolve("none.csv"), Format.CSV))
        .hasMessageContaining("no such item file");
    assertThatThrownBy(() -> Format.parse("xml")).hasMessageContaining("movielens, csv or jsonl");
  }
}

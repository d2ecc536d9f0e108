package io.towerstream.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.avro.ItemFeatures;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ItemFeaturesJsonTest {
  private static final Instant AT = Instant.parse("2024-05-01T00:00:00Z");

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theDefaultMappingReadsBackWhatItWrites() {
    ItemFeatures f =
        ItemFeatures.newBuilder()
            .setItemId("i1")
            .setCategories(List.of("Comedy", "Drama"))
            .setTags(List.of("classic"))
            .setNumeric(Map.of("year", 1995.0))
            .setUpdatedAt(AT)
            .build();
    byte[] encoded = ItemFeaturesJson.DEFAULTS.encode(f);
    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"itemId\":\"i1\",\"categories\":[\"Comedy\",\"Drama\"],\"tags\":[\"classic\"],"
                + "\"numeric\":{\"year\":1995.0}}");
    assertThat(ItemFeaturesJson.DEFAULTS.decode(encoded, AT)).isEqualTo(f);
  }

  @Test
  void customAndNestedFieldsAbsentListsAndUnmappedFields() {
    ItemFeaturesJson mapping = new ItemFeaturesJson("sku", "/meta/genres", "", "attrs");
    ItemFeatures f =
        mapping.decode(
            json(
                "{\"sku\":123,\"meta\":{\"genres\":[\"Sci-Fi\"]},\"tags\":[\"ignored\"],"
                    + "\"attrs\":{\"price\":9.5,\"stock\":3}}"),
            AT);
    assertThat(f.getItemId()).isEqualTo("123");
    assertThat(f.getCategories()).containsExactly("Sci-Fi");
    assertThat(f.getTags()).as("tags are not mapped").isEmpty();
    assertThat(f.getNumeric()).containsEntry("price", 9.5).containsEntry("stock", 3.0);
    assertThat(f.getUpdatedAt()).isEqualTo(AT);

    ItemFeatures bare = mapping.decode(json("{\"sku\":\"x\",\"attrs\":null}"), AT);
    assertThat(bare.getCategories()).isEmpty();
    assertThat(bare.getNumeric()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "missing id | {\"categories\":[\"a\"]} | missing field itemId",
        "boolean id | {\"itemId\":false} | itemId must be a string or an integer, was false",
        "categories not an array | {\"itemId\":\"i\",\"categories\":\"Comedy\"} | categories must be an array of strings, was \"Comedy\"",
        "numeric tag | {\"itemId\":\"i\",\"tags\":[\"a\",2]} | tags[1] must be a string, was 2",
        "numeric not an object | {\"itemId\":\"i\",\"numeric\":[1]} | numeric must be an object of numbers by name",
        "string number | {\"itemId\":\"i\",\"numeric\":{\"year\":\"1995\"}} | numeric.year must be a number, was \"1995\"",
        "infinite number | {\"itemId\":\"i\",\"numeric\":{\"year\":1e999}} | numeric.year must be a finite number",
        "duplicate numeric | {\"itemId\":\"i\",\"numeric\":{\"year\":1,\"year\":2}} | Duplicate field 'year'",
        "trailing | {\"itemId\":\"i\"}] | not valid JSON",
      })
  void badRecordsFailWithTheReason(String kind, String record, String reason) {
    assertThatThrownBy(() -> ItemFeaturesJson.DEFAULTS.decode(json(record), AT))
        .as(kind)
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void aMappingWithoutItemFieldOrWithARepeatedFieldIsRefused() {
    assertThatThrownBy(() -> new ItemFeaturesJson("", "c", "t", "n"))
        .hasMessageContaining("the item field");
    assertThatThrownBy(() -> new ItemFeaturesJson("id", "x", "x", ""))
        .hasMessageContaining("'x' is mapped twice");
  }
}

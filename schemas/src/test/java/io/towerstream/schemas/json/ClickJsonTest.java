package io.towerstream.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClickJsonTest {
  private static final ClickJson SNAKE =
      new ClickJson("user_id", "item_id", "ts", EventTimeFormat.ISO_8601, "action", "w");

  private static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theDefaultMappingReadsTheAvroFieldNamesAndWritesWhatItReads() {
    ClickEvent click =
        new ClickEvent("u1", "i9", Instant.ofEpochMilli(1_700_000_000_123L), EventType.VIEW, 2.5f);
    byte[] encoded = ClickJson.DEFAULTS.encode(click);

    assertThat(new String(encoded, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"userId\":\"u1\",\"itemId\":\"i9\",\"eventTime\":1700000000123,"
                + "\"eventType\":\"VIEW\",\"weight\":2.5}");
    assertThat(ClickJson.DEFAULTS.decode(encoded)).isEqualTo(click);
  }

  @Test
  void customNamesNestedPointersAndIntegerIdsAreRead() {
    ClickJson nested =
        new ClickJson("/user/id", "/item/id", "/at", EventTimeFormat.EPOCH_SECONDS, "", "");
    ClickEvent click =
        nested.decode(
            json(
                "{\"user\":{\"id\":42,\"country\":\"NL\"},\"item\":{\"id\":\"sku-7\"},"
                    + "\"at\":1700000000.25,\"extra\":[1,2]}"));

    assertThat(click.getUserId()).isEqualTo("42");
    assertThat(click.getItemId()).isEqualTo("sku-7");
    assertThat(click.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_250L));
    assertThat(click.getEventType()).isEqualTo(EventType.CLICK);
    assertThat(click.getWeight()).isEqualTo(1f);
    // and writing creates the nested objects
    assertThat(nested.decode(nested.encode(click))).isEqualTo(click);
  }

  @Test
  void isoTimesNeedAnOffsetAndTypesAnyCaseAbsentOrNullOptionalsTakeTheDefaults() {
    ClickEvent click =
        SNAKE.decode(
            json(
                "{\"user_id\":\"u\",\"item_id\":\"i\",\"ts\":\"2024-05-01T14:30:00.250+02:00\","
                    + "\"action\":\"purchase\",\"w\":null}"));
    assertThat(click.getEventTime()).isEqualTo(Instant.parse("2024-05-01T12:30:00.250Z"));
    assertThat(click.getEventType()).isEqualTo(EventType.PURCHASE);
    assertThat(click.getWeight()).isEqualTo(1f);
  }

  @Test
  void eachTimeFormatReadsBackWhatItWrites() {
    Instant t = Instant.ofEpochMilli(1_714_566_600_007L);
    for (EventTimeFormat f : EventTimeFormat.values()) {
      assertThat(f.read("t", f.write(t))).as(f.cliName()).isEqualTo(t);
      assertThat(EventTimeFormat.parse(f.cliName())).isEqualTo(f);
    }
    assertThat(EventTimeFormat.EPOCH_SECONDS.write(Instant.ofEpochSecond(1_700_000_000L)))
        .hasToString("1700000000");
  }

  /** Every kind of bad record fails with a reason naming what is wrong; none is half-read. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "duplicate key | {\"user_id\":\"a\",\"user_id\":\"b\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"} | Duplicate field 'user_id'",
        "nested duplicate | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"x\":{\"k\":1,\"k\":2}} | Duplicate field 'k'",
        "trailing content | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"} {} | not valid JSON: content after the JSON object",
        "trailing garbage | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"}x | not valid JSON",
        "truncated | {\"user_id\":\"a\",\"item_id\": | not valid JSON",
        "not an object | [\"a\",\"i\"] | expected a JSON object, got array",
        "not JSON | this is not JSON | not valid JSON",
        "missing user | {\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"} | missing field user_id",
        "null item | {\"user_id\":\"a\",\"item_id\":null,\"ts\":\"2024-01-01T00:00:00Z\"} | missing field item_id",
        "missing time | {\"user_id\":\"a\",\"item_id\":\"i\"} | missing field ts",
        "boolean user | {\"user_id\":true,\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"} | user_id must be a string or an integer, was true",
        "fractional item | {\"user_id\":\"a\",\"item_id\":1.5,\"ts\":\"2024-01-01T00:00:00Z\"} | item_id must be a string or an integer, was 1.5",
        "object user | {\"user_id\":{\"id\":1},\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"} | user_id must be a string or an integer",
        "numeric iso time | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":1700000000} | ts must be an ISO-8601 string (iso-8601), was 1700000000",
        "time without offset | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00\"} | ts is not a time in iso-8601",
        "not a date | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"yesterday\"} | ts is not a time in iso-8601",
        "numeric type | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"action\":3} | action must be a string, was 3",
        "unknown type | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"action\":\"share\"} | unknown EventType \"share\" in action (known: click, view, purchase)",
        "string weight | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"w\":\"2\"} | w must be a number, was \"2\"",
        "NaN weight | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"w\":NaN} | not valid JSON: Non-standard token 'NaN'",
        "infinite weight | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"w\":1e400} | w must be a finite number within float range",
        "weight beyond float | {\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\",\"w\":1e39} | w must be a finite number within float range, was 1.0E39",
      })
  void badRecordsFailWithTheReason(String kind, String record, String reason) {
    assertThatThrownBy(() -> SNAKE.decode(json(record)))
        .as(kind)
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void epochTimesRefuseTheWrongNumberKindAndOverflow() {
    ClickJson millis = new ClickJson("u", "i", "t", EventTimeFormat.EPOCH_MILLIS, "", "");
    assertThatThrownBy(() -> millis.decode(json("{\"u\":\"a\",\"i\":\"b\",\"t\":1.5}")))
        .hasMessage("t must be an integer of milliseconds (epoch-millis), was 1.5");
    assertThatThrownBy(
            () -> millis.decode(json("{\"u\":\"a\",\"i\":\"b\",\"t\":\"1700000000000\"}")))
        .hasMessageContaining("t must be an integer of milliseconds");
    assertThatThrownBy(
            () -> millis.decode(json("{\"u\":\"a\",\"i\":\"b\",\"t\":99999999999999999999999}")))
        .hasMessageStartingWith("t is not a time in epoch-millis");
    ClickJson seconds = new ClickJson("u", "i", "t", EventTimeFormat.EPOCH_SECONDS, "", "");
    assertThatThrownBy(() -> seconds.decode(json("{\"u\":\"a\",\"i\":\"b\",\"t\":1e300}")))
        .hasMessageStartingWith("t is not a time in epoch-seconds");
  }

  @Test
  void emptyAndInvalidUtf8ValuesFail() {
    assertThatThrownBy(() -> SNAKE.decode(new byte[0])).hasMessageContaining("empty value");
    assertThatThrownBy(() -> SNAKE.decode(null)).hasMessageContaining("empty value");
    byte[] bad =
        json("{\"user_id\":\"a\u00e9\",\"item_id\":\"i\",\"ts\":\"2024-01-01T00:00:00Z\"}");
    byte[] latin1 = new byte[bad.length - 1];
    // the two UTF-8 bytes of é become one ISO-8859-1 byte: invalid UTF-8
    int at = new String(bad, StandardCharsets.UTF_8).indexOf('\u00e9');
    System.arraycopy(bad, 0, latin1, 0, at);
    latin1[at] = (byte) 0xE9;
    System.arraycopy(bad, at + 2, latin1, at + 1, bad.length - at - 2);
    assertThatThrownBy(() -> SNAKE.decode(latin1))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("UTF-8");
  }

  @Test
  void aMappingWithAnEmptyOrRepeatedFieldIsRefused() {
    assertThatThrownBy(() -> new ClickJson("", "i", "t", EventTimeFormat.EPOCH_MILLIS, "", ""))
        .hasMessageContaining("the user field");
    assertThatThrownBy(() -> new ClickJson("id", "id", "t", EventTimeFormat.EPOCH_MILLIS, "", ""))
        .hasMessageContaining("'id' is mapped twice");
    assertThatThrownBy(() -> EventTimeFormat.parse("seconds"))
        .hasMessageContaining("epoch-seconds, epoch-millis, iso-8601");
  }
}

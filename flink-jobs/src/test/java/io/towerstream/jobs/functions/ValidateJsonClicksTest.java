package io.towerstream.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sources.ClickDeserializer;
import io.towerstream.jobs.sources.ParsedClick;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.json.ClickJson;
import io.towerstream.schemas.json.EventTimeFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * JSON clicks through the deserializer and the validation, chained as in the job: a record that
 * cannot be read and a click that breaks the rules both end as dead letters with the reason and the
 * original bytes; a good one becomes the same ClickEvent an Avro record would.
 */
class ValidateJsonClicksTest {
  private static final ClickJson MAPPING =
      new ClickJson("user_id", "item_id", "ts", EventTimeFormat.EPOCH_SECONDS, "type", "w");

  private final ClickDeserializer deserializer = new ClickDeserializer(ValueFormat.JSON, MAPPING);
  private OneInputStreamOperatorTestHarness<ParsedClick, ClickEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness = ValidateClicksTest.openHarness(ClickRules.DEFAULTS, 1_800_000_000_000L);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aGoodJsonClickBecomesTheClickEventItDescribes() throws Exception {
    send("{\"user_id\":7,\"item_id\":\"sku-1\",\"ts\":1700000000.5,\"type\":\"view\",\"w\":2}", 1);

    assertThat(harness.extractOutputValues())
        .containsExactly(
            new ClickEvent(
                "7", "sku-1", Instant.ofEpochMilli(1_700_000_000_500L), EventType.VIEW, 2f));
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void unreadableJsonIsDeadLetteredWholeWithTheReason() throws Exception {
    String duplicate = "{\"user_id\":\"a\",\"user_id\":\"b\",\"item_id\":\"i\",\"ts\":1}";
    send(duplicate, 10);
    send("{\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":1}{\"more\":1}", 11);
    send("{\"user_id\":\"a\",\"item_id\":[1],\"ts\":1}", 12);
    send("{\"user_id\":\"a\",\"ts\":1}", 13);
    send("{\"user_id\":\"a\",\"item_id\":\"i\",\"ts\":1,\"w\":1e999}", 14);

    assertThat(harness.extractOutputValues()).isEmpty();
    List<DeadLetter> letters = deadLetters();
    assertThat(letters)
        .extracting(DeadLetter::getReason)
        .satisfiesExactly(
            r -> assertThat(r).contains("Duplicate field 'user_id'"),
            r -> assertThat(r).isEqualTo("not valid JSON: content after the JSON object"),
            r -> assertThat(r).isEqualTo("item_id must be a string or an integer, was [1]"),
            r -> assertThat(r).isEqualTo("missing field item_id"),
            r -> assertThat(r).startsWith("w must be a finite number within float range"));
    DeadLetter first = letters.get(0);
    assertThat(first.getOffset()).isEqualTo(10L);
    assertThat(new String(ValidateClicksTest.bytes(first.getValue()), StandardCharsets.UTF_8))
        .isEqualTo(duplicate);
  }

  @Test
  void jsonClicksAreHeldToTheRulesAvroClicksAre() throws Exception {
    send("{\"user_id\":\"\",\"item_id\":\"i\",\"ts\":1700000000}", 20);
    send("{\"user_id\":\"u\",\"item_id\":\"i\",\"ts\":1700000000,\"w\":-1}", 21);
    send("{\"user_id\":\"u\",\"item_id\":\"i\",\"ts\":1700000000,\"w\":5000}", 22);
    send("{\"user_id\":\"u\",\"item_id\":\"i\",\"ts\":-5}", 23);
    send("{\"user_id\":\"u\",\"item_id\":\"" + "i".repeat(300) + "\",\"ts\":1700000000}", 24);

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(
            "missing userId",
            "weight must be a finite positive number, was -1.0",
            "weight 5000.0 is above the largest accepted, 1000.0 (validation.max-weight)",
            "eventTime 1969-12-31T23:59:55Z is before 1970",
            "itemId has 300 characters, more than 256 (validation.max-id-length)");
  }

  private void send(String json, long offset) throws Exception {
    harness.processElement(
        deserializer.parse(
            new ConsumerRecord<>(
                "clicks", 0, offset, Topic.key("k"), json.getBytes(StandardCharsets.UTF_8))),
        0);
  }

  private List<DeadLetter> deadLetters() {
    return ValidateClicksTest.deadLetters(harness);
  }
}

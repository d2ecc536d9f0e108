package io.towerstream.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.records.AvroRecordSerializer;
import io.towerstream.jobs.sources.ClickDeserializer;
import io.towerstream.jobs.sources.ParsedClick;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EventType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deserializer and validation together, as they run chained in the job. */
class ValidateClicksTest {
  private final ClickDeserializer deserializer = new ClickDeserializer();
  private OneInputStreamOperatorTestHarness<ParsedClick, ClickEvent> harness;

  @BeforeEach
  void open() throws Exception {
    harness = openHarness(ClickRules.DEFAULTS, 5_000);
  }

  /** ValidateClicks under test, opened, its processing time {@code nowMillis}. */
  static OneInputStreamOperatorTestHarness<ParsedClick, ClickEvent> openHarness(
      ClickRules rules, long nowMillis) throws Exception {
    // built by hand: Flink's ProcessFunctionTestHarnesses would ask type extraction for the Avro
    // output type
    OneInputStreamOperatorTestHarness<ParsedClick, ClickEvent> harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new ValidateClicks(rules)),
            ParsedClick.TYPE.createSerializer(new SerializerConfigImpl()));
    harness.setup(new AvroRecordSerializer<>(ClickEvent.class));
    harness.open();
    harness.setProcessingTime(nowMillis);
    return harness;
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void aGoodClickPasses() throws Exception {
    ClickEvent click = click("u1", "i1", 1f);

    harness.processElement(record(click, 10), 0);

    assertThat(harness.extractOutputValues()).containsExactly(click);
    assertThat(deadLetters()).isEmpty();
  }

  @Test
  void garbageBytesGoToTheDeadLettersWithTheOriginalBytesAndAReason() throws Exception {
    byte[] garbage = "\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8);

    harness.processElement(
        deserializer.parse(new ConsumerRecord<>("clicks", 1, 77L, Topic.key("k"), garbage)), 0);

    assertThat(harness.extractOutputValues()).isEmpty();
    DeadLetter letter = single(deadLetters());
    assertThat(letter.getReason()).contains("not Avro single-object encoded");
    assertThat(letter.getSourceTopic()).isEqualTo("clicks");
    assertThat(letter.getPartition()).isEqualTo(1);
    assertThat(letter.getOffset()).isEqualTo(77L);
    assertThat(bytes(letter.getKey())).isEqualTo(Topic.key("k"));
    assertThat(bytes(letter.getValue())).isEqualTo(garbage);
    assertThat(letter.getFailedAt()).isEqualTo(Instant.ofEpochMilli(5_000));
  }

  @Test
  void aClickWithoutItemIdIsRejected() throws Exception {
    ClickEvent noItem = click("u1", "", 1f);

    harness.processElement(record(noItem, 11), 0);

    assertThat(harness.extractOutputValues()).isEmpty();
    DeadLetter letter = single(deadLetters());
    assertThat(letter.getReason()).isEqualTo("missing itemId");
    assertThat(Topics.CLICKS.codec().decode(bytes(letter.getValue()))).isEqualTo(noItem);
  }

  @Test
  void aClickWithoutUserIdIsRejected() throws Exception {
    harness.processElement(record(click("", "i1", 1f), 12), 0);

    assertThat(single(deadLetters()).getReason()).isEqualTo("missing userId");
  }

  @Test
  void badWeightsAreRejected() throws Exception {
    for (float weight : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
      harness.processElement(record(click("u", "i", weight), 13), 0);
    }

    assertThat(harness.extractOutputValues()).isEmpty();
    assertThat(deadLetters())
        .hasSize(4)
        .allSatisfy(
            letter ->
                assertThat(letter.getReason())
                    .startsWith("weight must be a finite positive number"));
  }

  @Test
  void hugeOrControlCharacterIdsAreRejected() throws Exception {
    String tenKb = "u".repeat(10_240);
    harness.processElement(record(click(tenKb, "i1", 1f), 20), 0);
    harness.processElement(record(click("u1", "i".repeat(257), 1f), 21), 0);
    harness.processElement(record(click("u\u0000x", "i1", 1f), 22), 0);
    harness.processElement(record(click("u".repeat(256), "i1", 1f), 23), 0); // at the bound: fine

    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(deadLetters())
        .extracting(DeadLetter::getReason)
        .containsExactly(
            "userId has 10240 characters, more than 256 (validation.max-id-length)",
            "itemId has 257 characters, more than 256 (validation.max-id-length)",
            "userId contains a control character at 1");
  }

  @Test
  void weightsAboveTheBoundAndEventTimesOutsideTheWindowAreRejected() throws Exception {
    long now = 5_000; // the harness's processing time
    harness.processElement(record(click("u", "i", 1e30f), 30), 0);
    harness.processElement(record(click("u", "i", 1000f), 31), 0); // at the bound: fine
    harness.processElement(record(at(click("u", "i", 1f), -1), 32), 0);
    harness.processElement(record(at(click("u", "i", 1f), now + 24L * 3600 * 1000 + 1), 33), 0);
    harness.processElement(
        record(at(click("u", "i", 1f), now + 24L * 3600 * 1000), 34), 0); // at the bound

    assertThat(harness.extractOutputValues()).hasSize(2);
    List<String> reasons = deadLetters().stream().map(DeadLetter::getReason).toList();
    assertThat(reasons).hasSize(3);
    assertThat(reasons.get(0)).startsWith("weight 1.0E30 is above the largest accepted, 1000.0");
    assertThat(reasons.get(1)).isEqualTo("eventTime 1969-12-31T23:59:59.999Z is before 1970");
    assertThat(reasons.get(2)).contains("is more than 86400000 ms ahead of the job's clock");
  }

  @Test
  void rulesComeFromTheJobConfiguration() throws Exception {
    harness.close();
    harness = openHarness(new ClickRules(4, 2f, 0), 5_000);
    harness.processElement(record(click("abcde", "i", 1f), 40), 0);
    harness.processElement(record(click("u", "i", 3f), 41), 0);
    harness.processElement(record(at(click("u", "i", 1f), 5_001), 42), 0);
    harness.processElement(record(at(click("u", "i", 2f), 5_000), 43), 0);

    assertThat(harness.extractOutputValues()).hasSize(1);
    assertThat(deadLetters()).hasSize(3);
  }

  @Test
  void theJobKeepsGoingAfterBadRecords() throws Exception {
    ClickEvent good = click("u2", "i2", 0.5f);

    harness.processElement(
        deserializer.parse(new ConsumerRecord<>("clicks", 0, 1L, null, new byte[] {1, 2})), 0);
    harness.processElement(record(click("u", "", 1f), 2), 0);
    harness.processElement(record(good, 3), 0);

    assertThat(harness.extractOutputValues()).containsExactly(good);
    assertThat(deadLetters()).hasSize(2);
  }

  private List<DeadLetter> deadLetters() {
    return deadLetters(harness);
  }

  /** The dead letters {@code harness} has sent to the side output so far. */
  static List<DeadLetter> deadLetters(
      OneInputStreamOperatorTestHarness<ParsedClick, ClickEvent> harness) {
    var side = harness.getSideOutput(ValidateClicks.DEAD_LETTERS);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  private static DeadLetter single(List<DeadLetter> letters) {
    assertThat(letters).hasSize(1);
    return letters.get(0);
  }

  private ParsedClick record(ClickEvent click, long offset) {
    return deserializer.parse(
        new ConsumerRecord<>(
            "clicks",
            0,
            offset,
            Topic.key(click.getUserId()),
            Topics.CLICKS.codec().encode(click)));
  }

  private static ClickEvent click(String user, String item, float weight) {
    return new ClickEvent(user, item, Instant.ofEpochMilli(1_000), EventType.CLICK, weight);
  }

  private static ClickEvent at(ClickEvent click, long eventTimeMillis) {
    click.setEventTime(Instant.ofEpochMilli(eventTimeMillis));
    return click;
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }
}

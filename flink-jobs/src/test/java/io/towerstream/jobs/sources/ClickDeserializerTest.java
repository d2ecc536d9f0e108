package io.towerstream.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EventType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ClickDeserializerTest {
  private final ClickDeserializer deserializer = new ClickDeserializer();

  @Test
  void decodesAClickEventAndKeepsWhereItCameFrom() throws Exception {
    ClickEvent click = new ClickEvent("u1", "i9", Instant.ofEpochMilli(1234), EventType.PURCHASE, 2f);
    byte[] value = Topics.CLICKS.codec().encode(click);

    List<ParsedClick> out = deserialize(new ConsumerRecord<>("clicks", 3, 42L, Topic.key("u1"), value));

    assertThat(out).hasSize(1);
    ParsedClick parsed = out.get(0);
    assertThat(parsed.click).isEqualTo(click);
    assertThat(parsed.decodeError).isNull();
    assertThat(parsed.topic).isEqualTo("clicks");
    assertThat(parsed.partition).isEqualTo(3);
    assertThat(parsed.offset).isEqualTo(42L);
    assertThat(parsed.key).isEqualTo(Topic.key("u1"));
    assertThat(parsed.value).isEqualTo(value);
  }

  @Test
  void garbageBecomesAnUndecodableRecordWithAReasonInsteadOfAnException() throws Exception {
    byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);

    List<ParsedClick> out = deserialize(new ConsumerRecord<>("clicks", 0, 7L, null, garbage));

    assertThat(out).hasSize(1);
    assertThat(out.get(0).click).isNull();
    assertThat(out.get(0).decodeError).contains("not Avro single-object encoded");
    assertThat(out.get(0).value).isEqualTo(garbage);
  }

  @Test
  void tombstoneAndTruncatedRecordsAreUndecodableToo() throws Exception {
    byte[] good = Topics.CLICKS.codec().encode(new ClickEvent("u", "i", Instant.EPOCH, EventType.CLICK, 1f));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);

    assertThat(deserialize(new ConsumerRecord<>("clicks", 0, 1L, null, null)).get(0).decodeError)
        .contains("null value");
    assertThat(deserialize(new ConsumerRecord<>("clicks", 0, 2L, null, truncated)).get(0).decodeError)
        .isNotBlank();
  }

  private List<ParsedClick> deserialize(ConsumerRecord<byte[], byte[]> record) throws Exception {
    List<ParsedClick> out = new ArrayList<>();
    deserializer.deserialize(record, new Collector<>() {
      @Override
      public void collect(ParsedClick parsed) {
        out.add(parsed);
      }

      @Override
      public void close() {}
    });
    return out;
  }
}

package io.towerstream.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EventType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ClickDeserializerTest {
  private final ClickDeserializer deserializer = new ClickDeserializer();

  @Test
  void decodesAClickEventAndKeepsWhereItCameFrom() throws Exception {
    ClickEvent click =
        new ClickEvent("u1", "i9", Instant.ofEpochMilli(1234), EventType.PURCHASE, 2f);
    byte[] value = Topics.CLICKS.codec().encode(click);

    List<ParsedClick> out =
        deserialize(new ConsumerRecord<>("clicks", 3, 42L, Topic.key("u1"), value));

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
    byte[] good =
        Topics.CLICKS.codec().encode(new ClickEvent("u", "i", Instant.EPOCH, EventType.CLICK, 1f));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);

    assertThat(deserialize(new ConsumerRecord<>("clicks", 0, 1L, null, null)).get(0).decodeError)
        .contains("null value");
    assertThat(
            deserialize(new ConsumerRecord<>("clicks", 0, 2L, null, truncated)).get(0).decodeError)
        .isNotBlank();
  }

  @Test
  void aClickOfANewerSchemaWithANewEventTypeIsUndecodableWithTheReason() throws Exception {
    Schema future =
        new Schema.Parser()
            .parse(
                """
        {"type": "record", "name": "ClickEvent", "namespace": "io.towerstream.schemas.avro", "fields": [
          {"name": "userId", "type": "string"}, {"name": "itemId", "type": "string"},
          {"name": "eventTime", "type": {"type": "long", "logicalType": "timestamp-millis"}},
          {"name": "eventType", "type": {"type": "enum", "name": "EventType",
            "symbols": ["CLICK", "VIEW", "PURCHASE", "SHARE"], "default": "CLICK"}, "default": "CLICK"},
          {"name": "weight", "type": "float", "default": 1.0}]}""");
    GenericRecord share = new GenericData.Record(future);
    share.put("userId", "u");
    share.put("itemId", "i");
    share.put("eventTime", 1L);
    share.put(
        "eventType", new GenericData.EnumSymbol(future.getField("eventType").schema(), "SHARE"));
    share.put("weight", 1f);
    ByteBuffer encoded =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), future).encode(share);
    byte[] value = new byte[encoded.remaining()];
    encoded.get(value);

    ParsedClick parsed = deserialize(new ConsumerRecord<>("clicks", 0, 3L, null, value)).get(0);

    assertThat(parsed.click).isNull();
    assertThat(parsed.decodeError).contains("unknown schema");
    assertThat(parsed.value).isEqualTo(value);
  }

  private List<ParsedClick> deserialize(ConsumerRecord<byte[], byte[]> record) throws Exception {
    List<ParsedClick> out = new ArrayList<>();
    deserializer.deserialize(
        record,
        new Collector<>() {
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

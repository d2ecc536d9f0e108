package io.towerstream.jobs.sources;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.ValueFormat;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.json.ItemFeaturesJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class ItemFeatureDeserializerTest {
  private final ItemFeatureDeserializer deserializer = new ItemFeatureDeserializer();

  @Test
  void decodesItemFeaturesAndKeepsWhereTheyCameFrom() throws Exception {
    ItemFeatures features = features("42");
    byte[] value = Topics.ITEM_FEATURES.codec().encode(features);

    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 2, 17L, Topic.key("42"), value));

    assertThat(parsed.features).isEqualTo(features);
    assertThat(parsed.problem).isNull();
    assertThat(parsed.removedItemId).isNull();
    assertThat(parsed.itemId()).isEqualTo("42");
    assertThat(parsed.topic).isEqualTo("item-features");
    assertThat(parsed.partition).isEqualTo(2);
    assertThat(parsed.offset).isEqualTo(17L);
    assertThat(parsed.value).isEqualTo(value);
  }

  @Test
  void aRecordWithoutAKeyIsTakenByItsItemId() throws Exception {
    byte[] value = Topics.ITEM_FEATURES.codec().encode(features("42"));

    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 0, 1L, null, value));

    assertThat(parsed.problem).isNull();
    assertThat(parsed.itemId()).isEqualTo("42");
  }

  @Test
  void aTombstoneWithdrawsTheFeaturesOfItsKeysItem() throws Exception {
    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 0, 5L, Topic.key("i/ü"), null));

    assertThat(parsed.removedItemId).isEqualTo("i/ü");
    assertThat(parsed.itemId()).isEqualTo("i/ü");
    assertThat(parsed.features).isNull();
    assertThat(parsed.problem).isNull();
  }

  @Test
  void aTombstoneWithoutAKeyIsRejected() throws Exception {
    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 0, 5L, null, null));

    assertThat(parsed.removedItemId).isNull();
    assertThat(parsed.problem).contains("tombstone without a key");
  }

  @Test
  void garbageIsRejectedWithAReasonInsteadOfAnException() throws Exception {
    byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
    byte[] good = Topics.ITEM_FEATURES.codec().encode(features("42"));
    byte[] truncated = java.util.Arrays.copyOf(good, good.length - 3);
    byte[] click =
        Topics.CLICKS
            .codec()
            .encode(
                io.towerstream.schemas.avro.ClickEvent.newBuilder()
                    .setUserId("u")
                    .setItemId("42")
                    .setEventTime(Instant.EPOCH)
                    .build());

    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 1, 9L, Topic.key("42"), garbage));
    assertThat(parsed.features).isNull();
    assertThat(parsed.problem).contains("not Avro single-object encoded");
    assertThat(parsed.value).isEqualTo(garbage);
    assertThat(parsed.key).isEqualTo(Topic.key("42"));

    assertThat(
            deserialize(new ConsumerRecord<>("item-features", 1, 10L, Topic.key("42"), truncated))
                .problem)
        .isNotBlank();
    assertThat(
            deserialize(new ConsumerRecord<>("item-features", 1, 11L, Topic.key("42"), click))
                .problem)
        .as("a record of another schema")
        .contains("unknown schema");
  }

  @Test
  void aKeyThatIsNotTheItemIdIsRejected() throws Exception {
    byte[] value = Topics.ITEM_FEATURES.codec().encode(features("42"));

    ParsedItemFeatures parsed =
        deserialize(new ConsumerRecord<>("item-features", 0, 3L, Topic.key("43"), value));

    assertThat(parsed.features).isNull();
    assertThat(parsed.problem).isEqualTo("key '43' is not the record's itemId '42'");
    assertThat(parsed.value).isEqualTo(value);
  }

  @Test
  void jsonRecordsAreReadThroughTheMappingStampedWithTheRecordTimeAndCheckedAgainstTheKey() {
    ItemFeatureDeserializer json =
        new ItemFeatureDeserializer(
            ValueFormat.JSON, new ItemFeaturesJson("sku", "genres", "", "attrs"));
    byte[] value =
        "{\"sku\":42,\"genres\":[\"Comedy\"],\"attrs\":{\"year\":1995}}"
            .getBytes(StandardCharsets.UTF_8);

    ParsedItemFeatures parsed = json.parse(timed(Topic.key("42"), value, 1_000));
    assertThat(parsed.problem).isNull();
    assertThat(parsed.features).isEqualTo(features("42"));

    assertThat(json.parse(timed(Topic.key("43"), value, 1_000)).problem)
        .isEqualTo("key '43' is not the record's itemId '42'");
    byte[] bad = "{\"sku\":\"42\",\"genres\":\"Comedy\"}".getBytes(StandardCharsets.UTF_8);
    ParsedItemFeatures rejected = json.parse(timed(Topic.key("42"), bad, 1_000));
    assertThat(rejected.problem).isEqualTo("genres must be an array of strings, was \"Comedy\"");
    assertThat(rejected.value).isEqualTo(bad);
    assertThat(json.parse(timed(Topic.key("42"), null, 1_000)).removedItemId)
        .as("a tombstone withdraws the item whatever the format")
        .isEqualTo("42");
  }

  private static ConsumerRecord<byte[], byte[]> timed(byte[] key, byte[] value, long timestamp) {
    return new ConsumerRecord<>(
        "item-features",
        0,
        1L,
        timestamp,
        TimestampType.CREATE_TIME,
        key == null ? -1 : key.length,
        value == null ? -1 : value.length,
        key,
        value,
        new RecordHeaders(),
        Optional.empty());
  }

  private static ItemFeatures features(String itemId) {
    return ItemFeatures.newBuilder()
        .setItemId(itemId)
        .setCategories(List.of("Comedy"))
        .setNumeric(Map.of("year", 1995.0))
        .setUpdatedAt(Instant.ofEpochMilli(1000))
        .build();
  }

  private ParsedItemFeatures deserialize(ConsumerRecord<byte[], byte[]> record) throws Exception {
    List<ParsedItemFeatures> out = new ArrayList<>();
    deserializer.deserialize(
        record,
        new Collector<>() {
          @Override
          public void collect(ParsedItemFeatures parsed) {
            out.add(parsed);
          }

          @Override
          public void close() {}
        });
    assertThat(out).hasSize(1);
    return out.get(0);
  }
}

package io.towerstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

  @Test
  void clickEventRoundTripsWithEveryField() {
    ClickEvent click =
        ClickEvent.newBuilder()
            .setUserId("u-1")
            .setItemId("i/ü")
            .setEventTime(Instant.ofEpochMilli(874724710000L))
            .setEventType(EventType.PURCHASE)
            .setWeight(2.5f)
            .build();
    byte[] bytes = Topics.CLICKS.codec().encode(click);
    assertThat(Topics.CLICKS.codec().decode(bytes)).isEqualTo(click);
  }

  @Test
  void clickEventDefaultsAreClickWithWeightOne() {
    ClickEvent click =
        ClickEvent.newBuilder().setUserId("u").setItemId("i").setEventTime(Instant.EPOCH).build();
    assertThat(click.getEventType()).isEqualTo(EventType.CLICK);
    assertThat(click.getWeight()).isEqualTo(1.0f);
  }

  @Test
  void embeddingUpdateStatusAndDeadLetterRoundTrip() {
    EmbeddingUpdate update =
        EmbeddingUpdate.newBuilder()
            .setEntity(Entity.ITEM)
            .setId("42")
            .setVector(List.of(0.6f, -0.8f))
            .setModelVersion(3)
            .setSequence(17)
            .setUpdatedAt(Instant.ofEpochMilli(1000))
            .build();
    assertThat(Topics.EMBEDDINGS.codec().decode(Topics.EMBEDDINGS.codec().encode(update)))
        .isEqualTo(update);

    TrainerStatus status =
        TrainerStatus.newBuilder()
            .setModelVersion(1)
            .setSequence(2)
            .setPublishedAt(Instant.ofEpochMilli(5))
            .setEventsTrained(100)
            .setBatches(3)
            .setLoss(1.5)
            .setUsers(4)
            .setItems(5)
            .setLastEventTime(Instant.ofEpochMilli(6))
            .build();
    assertThat(Topics.TRAINER_STATUS.codec().decode(Topics.TRAINER_STATUS.codec().encode(status)))
        .isEqualTo(status);

    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic("clicks")
            .setPartition(0)
            .setOffset(9)
            .setKey(ByteBuffer.wrap(new byte[] {1}))
            .setValue(ByteBuffer.wrap(new byte[] {2, 3}))
            .setReason("bad")
            .setFailedAt(Instant.ofEpochMilli(7))
            .build();
    assertThat(Topics.CLICKS_DLQ.codec().decode(Topics.CLICKS_DLQ.codec().encode(letter)))
        .isEqualTo(letter);
  }

  @Test
  void itemFeaturesRoundTripAndDefaultToNoFeatures() {
    ItemFeatures features =
        ItemFeatures.newBuilder()
            .setItemId("i/ü")
            .setCategories(List.of("Comedy", "Drama"))
            .setTags(List.of("cult"))
            .setNumeric(java.util.Map.of("year", 1995.0, "price", -2.5))
            .setUpdatedAt(Instant.ofEpochMilli(874724710000L))
            .build();
    byte[] bytes = Topics.ITEM_FEATURES.codec().encode(features);
    assertThat(Topics.ITEM_FEATURES.codec().decode(bytes)).isEqualTo(features);

    ItemFeatures bare =
        ItemFeatures.newBuilder().setItemId("i").setUpdatedAt(Instant.EPOCH).build();
    assertThat(bare.getCategories()).isEmpty();
    assertThat(bare.getTags()).isEmpty();
    assertThat(bare.getNumeric()).isEmpty();
    assertThat(Topics.ITEM_FEATURES.codec().decode(Topics.ITEM_FEATURES.codec().encode(bare)))
        .isEqualTo(bare);
    // a tombstone withdraws an item's features: the topic's deserializer hands it on as null
    assertThat(Topics.ITEM_FEATURES.valueDeserializer().deserialize("item-features", null))
        .isNull();
  }

  @Test
  void modelDeltasOfTheV1SchemaAreReadWithoutFeatureRows() throws IOException {
    Schema v1 = parse("/towerstream/schemas/history/ModelDelta.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("origin", 1L);
    old.put("generation", 2L);
    old.put("sequence", 3L);
    old.put("subtask", 0);
    old.put("modelVersion", 1L);
    old.put("dim", 1);
    old.put("itemIds", List.of("i1"));
    old.put("itemValues", ByteBuffer.allocate(12));
    old.put("dense", null);
    old.put("events", 5L);
    old.put("priorOrigin", 0L);
    old.put("producedAt", 9L);
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    ModelDelta read = Topics.MODEL_SYNC.codec().decode(bytes);
    assertThat(read.getItemIds()).containsExactly("i1");
    assertThat(read.getEvents()).isEqualTo(5L);
    assertThat(read.getFeatureIds()).isEmpty();
    assertThat(read.getFeatureValues().remaining()).isZero();
  }

  @Test
  void encodedRecordsNameTheirWriterSchemaByFingerprint() {
    byte[] bytes =
        Topics.CLICKS
            .codec()
            .encode(
                ClickEvent.newBuilder()
                    .setUserId("u")
                    .setItemId("i")
                    .setEventTime(Instant.EPOCH)
                    .build());
    // single-object encoding: C3 01 marker, then the writer schema's little-endian CRC-64-AVRO
    // fingerprint
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fingerprint =
        ByteBuffer.wrap(bytes, 2, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fingerprint)
        .isEqualTo(
            org.apache.avro.SchemaNormalization.parsingFingerprint64(ClickEvent.getClassSchema()));
  }

  @Test
  void currentReaderReadsRecordsOfAnOlderWriterSchemaWithDefaults() throws IOException {
    Schema draft0 = parse("/history/ClickEvent-draft0.avsc");
    GenericRecord old = new GenericData.Record(draft0);
    old.put("userId", "old-user");
    old.put("itemId", "old-item");
    old.put("eventTime", 1234L);
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), draft0).encode(old));

    AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class);
    assertThatThrownBy(() -> codec.decode(bytes))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("unknown schema");

    ClickEvent read = codec.withWriterSchema(draft0).decode(bytes);
    assertThat(read.getUserId()).isEqualTo("old-user");
    assertThat(read.getEventTime()).isEqualTo(Instant.ofEpochMilli(1234));
    assertThat(read.getEventType()).isEqualTo(EventType.CLICK);
    assertThat(read.getWeight()).isEqualTo(1.0f);
  }

  @Test
  void embeddingUpdatesOfTheV1SchemaOnTheTopicAreReadWithZeroBias() throws IOException {
    // v1 is registered from schemas/avro/history, so the topic's codec reads it without being told.
    Schema v1 = parse("/towerstream/schemas/history/EmbeddingUpdate.v1.avsc");
    GenericRecord old = new GenericData.Record(v1);
    old.put("entity", new GenericData.EnumSymbol(v1.getField("entity").schema(), "ITEM"));
    old.put("id", "i7");
    old.put("vector", java.util.List.of(0.6f, 0.8f));
    old.put("modelVersion", 3L);
    old.put("sequence", 9L);
    old.put("updatedAt", 1000L);
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old));

    EmbeddingUpdate read = Topics.EMBEDDINGS.codec().decode(bytes);
    assertThat(read.getId()).isEqualTo("i7");
    assertThat(read.getVector()).containsExactly(0.6f, 0.8f);
    assertThat(read.getBias()).isEqualTo(0f);
  }

  @Test
  void embeddingUpdatesOfTheV2SchemaAreReadWithEpochZeroAndTheirBias() throws IOException {
    Schema v2 = parse("/towerstream/schemas/history/EmbeddingUpdate.v2.avsc");
    GenericRecord old = new GenericData.Record(v2);
    old.put("entity", new GenericData.EnumSymbol(v2.getField("entity").schema(), "ITEM"));
    old.put("id", "i8");
    old.put("vector", java.util.List.of(1f, 0f));
    old.put("modelVersion", 3L);
    old.put("sequence", 10L);
    old.put("updatedAt", 1000L);
    old.put("bias", 0.25f);
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(old));

    EmbeddingUpdate read = Topics.EMBEDDINGS.codec().decode(bytes);
    assertThat(read.getBias()).isEqualTo(0.25f);
    assertThat(read.getCheckpointEpoch()).isZero();
  }

  @Test
  void embeddingUpdatesOfTheV3SchemaAreReadWithoutRecentItems() throws IOException {
    Schema v3 = parse("/towerstream/schemas/history/EmbeddingUpdate.v3.avsc");
    GenericRecord old = new GenericData.Record(v3);
    old.put("entity", new GenericData.EnumSymbol(v3.getField("entity").schema(), "USER"));
    old.put("id", "u8");
    old.put("vector", java.util.List.of(1f, 0f));
    old.put("modelVersion", 3L);
    old.put("sequence", 10L);
    old.put("updatedAt", 1000L);
    old.put("bias", 0f);
    old.put("checkpointEpoch", 4L);
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v3).encode(old));

    EmbeddingUpdate read = Topics.EMBEDDINGS.codec().decode(bytes);
    assertThat(read.getCheckpointEpoch()).isEqualTo(4L);
    assertThat(read.getRecentItems()).isEmpty();
    EmbeddingUpdate withHistory =
        EmbeddingUpdate.newBuilder(read).setRecentItems(java.util.List.of("i2", "i1")).build();
    assertThat(
            Topics.EMBEDDINGS
                .codec()
                .decode(Topics.EMBEDDINGS.codec().encode(withHistory))
                .getRecentItems())
        .containsExactly("i2", "i1");
  }

  @Test
  void strictDecodingRejectsAnUnknownEventTypeOfANewerWriterAndNamesIt() throws IOException {
    Schema future = parse("/history/ClickEvent-future.avsc");
    AvroCodec<ClickEvent> codec = AvroCodec.of(ClickEvent.class).withWriterSchema(future);
    GenericRecord next = new GenericData.Record(future);
    next.put("userId", "u");
    next.put("itemId", "i");
    next.put("eventTime", 1L);
    next.put(
        "eventType", new GenericData.EnumSymbol(future.getField("eventType").schema(), "SHARE"));
    next.put("weight", 3f);
    next.put("sessionId", "s");
    BinaryMessageEncoder<GenericRecord> encoder =
        new BinaryMessageEncoder<>(GenericData.get(), future);

    assertThatThrownBy(() -> codec.decodeStrict(toBytes(encoder.encode(next))))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessage("unknown EventType 'SHARE' (this reader knows [CLICK, VIEW, PURCHASE])");

    // a symbol both know still reads, from the newer writer as from our own schema
    next.put(
        "eventType", new GenericData.EnumSymbol(future.getField("eventType").schema(), "PURCHASE"));
    assertThat(codec.decodeStrict(toBytes(encoder.encode(next))).getEventType())
        .isEqualTo(EventType.PURCHASE);
    ClickEvent own = new ClickEvent("u", "i", Instant.ofEpochMilli(5), EventType.VIEW, 1f);
    assertThat(codec.decodeStrict(codec.encode(own))).isEqualTo(own);
  }

  @Test
  void currentReaderMapsAnUnknownEventTypeOfANewerWriterToClick() throws IOException {
    Schema future = parse("/history/ClickEvent-future.avsc");
    GenericRecord next = new GenericData.Record(future);
    next.put("userId", "u");
    next.put("itemId", "i");
    next.put("eventTime", 1L);
    next.put(
        "eventType", new GenericData.EnumSymbol(future.getField("eventType").schema(), "SHARE"));
    next.put("weight", 3f);
    next.put("sessionId", "s");
    byte[] bytes =
        toBytes(new BinaryMessageEncoder<GenericRecord>(GenericData.get(), future).encode(next));

    ClickEvent read = AvroCodec.of(ClickEvent.class).withWriterSchema(future).decode(bytes);
    assertThat(read.getEventType()).isEqualTo(EventType.CLICK);
    assertThat(read.getWeight()).isEqualTo(3f);
  }

  @Test
  void garbageAndNullGiveAReasonNotACrash() {
    assertThatThrownBy(() -> Topics.CLICKS.codec().decode("not avro at all".getBytes()))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("not Avro single-object encoded");
    assertThatThrownBy(() -> Topics.CLICKS.codec().decode((byte[]) null))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("null value");
    byte[] truncated =
        java.util.Arrays.copyOf(
            Topics.CLICKS
                .codec()
                .encode(
                    ClickEvent.newBuilder()
                        .setUserId("user")
                        .setItemId("item")
                        .setEventTime(Instant.EPOCH)
                        .build()),
            12);
    assertThatThrownBy(() -> Topics.CLICKS.codec().decode(truncated))
        .isInstanceOf(RecordDecodingException.class);
  }

  @Test
  void embeddingKeysNameEntityAndId() {
    assertThat(Topics.embeddingKey(Entity.USER, "7")).isEqualTo("USER:7");
    assertThat(Topic.key(Topic.key("ITEM:é"))).isEqualTo("ITEM:é");
  }

  private static Schema parse(String resource) throws IOException {
    try (InputStream in = AvroCodecTest.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    }
  }

  private static byte[] toBytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}

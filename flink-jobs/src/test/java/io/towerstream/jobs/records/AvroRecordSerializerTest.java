package io.towerstream.jobs.records;

import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EventType;
import java.time.Instant;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's own serializer contract tests (copy, sequences, snapshot, duplicate) against our Avro
 * serializer.
 */
class AvroRecordSerializerTest extends SerializerTestBase<ClickEvent> {

  @Override
  protected TypeSerializer<ClickEvent> createSerializer() {
    return new AvroRecordSerializer<>(ClickEvent.class);
  }

  @Override
  protected int getLength() {
    return -1;
  }

  @Override
  protected Class<ClickEvent> getTypeClass() {
    return ClickEvent.class;
  }

  @Override
  protected ClickEvent[] getTestData() {
    return new ClickEvent[] {
      new ClickEvent("u1", "i1", Instant.ofEpochMilli(1_700_000_000_000L), EventType.CLICK, 1f),
      new ClickEvent("", "", Instant.ofEpochMilli(0), EventType.VIEW, 0f),
      new ClickEvent(
          "üser-☃", "item/with:odd chars", Instant.ofEpochMilli(-5), EventType.PURCHASE, -0.25f),
      new ClickEvent(
          "u".repeat(5000), "i", Instant.ofEpochMilli(Long.MAX_VALUE), EventType.CLICK, 3.5f),
    };
  }
}

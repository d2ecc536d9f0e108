package io.towerstream.jobs.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.jobs.sources.ItemFeatureDeserializer;
import io.towerstream.jobs.sources.ParsedItemFeatures;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.ItemFeatures;
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
class ValidateItemFeaturesTest {
  private final ItemFeatureDeserializer deserializer = new ItemFeatureDeserializer();
  private OneInputStreamOperatorTestHarness<ParsedItemFeatures, TrainerSideInput> harness;

  @BeforeEach
  void open() throws Exception {
    harness =
        new OneInputStreamOperatorTestHarness<>(
            new ProcessOperator<>(new ValidateItemFeatures(new ClickRules(8, 10f, 0))),
            ParsedItemFeatures.TYPE.createSerializer(new SerializerConfigImpl()));
    harness.setup(TrainerSideInput.TYPE.createSerializer(new SerializerConfigImpl()));
    harness.open();
    harness.setProcessingTime(5_000);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  @Test
  void featuresAndRemovalsGoToTheTrainersAndBadRecordsToTheDeadLetters() throws Exception {
    ItemFeatures good = features("i1");
    byte[] garbage = "garbage".getBytes(StandardCharsets.UTF_8);
    process(Topic.key("i1"), Topics.ITEM_FEATURES.codec().encode(good));
    process(Topic.key("i2"), null);
    process(Topic.key("i3"), garbage);
    process(null, Topics.ITEM_FEATURES.codec().encode(features("")));
    process(null, Topics.ITEM_FEATURES.codec().encode(features("much-too-long")));

    List<TrainerSideInput> out = harness.extractOutputValues();
    assertThat(out).hasSize(2);
    assertThat(out.get(0).features).isEqualTo(good);
    assertThat(out.get(1).removedItemId).isEqualTo("i2");

    List<DeadLetter> dead =
        harness.getSideOutput(ValidateItemFeatures.DEAD_LETTERS).stream()
            .map(StreamRecord::getValue)
            .toList();
    assertThat(dead)
        .extracting(DeadLetter::getReason)
        .satisfiesExactly(
            r -> assertThat(r).contains("not Avro single-object encoded"),
            r -> assertThat(r).isEqualTo("missing itemId"),
            r -> assertThat(r).contains("more than 8 (validation.max-id-length)"));
    assertThat(dead.get(0).getValue()).isEqualTo(ByteBuffer.wrap(garbage));
    assertThat(dead.get(0).getSourceTopic()).isEqualTo("item-features");
    assertThat(dead.get(0).getFailedAt()).isEqualTo(Instant.ofEpochMilli(5_000));
  }

  private void process(byte[] key, byte[] value) throws Exception {
    harness.processElement(
        deserializer.parse(new ConsumerRecord<>("item-features", 0, 1L, key, value)), 0);
  }

  private static ItemFeatures features(String itemId) {
    return ItemFeatures.newBuilder()
        .setItemId(itemId)
        .setCategories(List.of("Drama"))
        .setUpdatedAt(Instant.EPOCH)
        .build();
  }
}

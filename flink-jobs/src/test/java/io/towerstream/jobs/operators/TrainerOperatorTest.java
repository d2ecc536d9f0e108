package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainerOperatorTest {
  /** The sequence of a fresh run's first publish: epoch 0, count 0. */
  private static final long FIRST_SEQUENCE = TrainerOperator.SEQUENCE_EPOCH_OFFSET << 32;

  private static final int BATCH = 4;
  private static final long PUBLISH_MS = 1_000;

  private TrainerHarness harness;

  @AfterEach
  void closeHarness() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  @Test
  void batchesCloseByCountInArrivalOrder() throws Exception {
    harness = open(settings(0, 1), null, 0);

    for (int k = 0; k < 10; k++) {
      harness.click("u" + k, "i" + k, k);
    }

    FakeModel model = model(harness);
    assertThat(model.batches).hasSize(2);
    assertThat(model.batches.get(0))
        .extracting(Interaction::userId)
        .containsExactly("u0", "u1", "u2", "u3");
    assertThat(model.batches.get(1))
        .extracting(Interaction::userId)
        .containsExactly("u4", "u5", "u6", "u7");
    assertThat(model.batches.get(0).get(2).eventTimeMillis()).isEqualTo(2);
  }

  @Test
  void aPartialBatchClosesOnTheProcessingTimeTimer() throws Exception {
    harness = open(settings(50, 1), null, 100);
    FakeModel model = model(harness);

    harness.click("u1", "i1", 1);
    harness.setProcessingTime(120);
    harness.click("u2", "i2", 2);
    harness.setProcessingTime(149);
    assertThat(model.batches).isEmpty();

    harness.setProcessingTime(150);
    assertThat(model.batches).hasSize(1);
    assertThat(model.batches.get(0)).extracting(Interaction::userId).containsExactly("u1", "u2");

    // the next batch gets its own deadline, counted from its own first event
    harness.click("u3", "i3", 3);
    harness.setProcessingTime(199);
    assertThat(model.batches).hasSize(1);
    harness.setProcessingTime(200);
    assertThat(model.batches).hasSize(2);
  }

  @Test
  void aBatchClosedByCountDoesNotLetItsTimerCloseTheNextBatchEarly() throws Exception {
    harness = open(settings(50, 1), null, 0);
    FakeModel model = model(harness);

    IntStream.range(0, BATCH).forEach(k -> process(click("u" + k, "i", k)));
    assertThat(model.batches).hasSize(1);
    harness.setProcessingTime(30);
    process(click("late", "i", 9));
    harness.setProcessingTime(50); // the first batch's deadline
    assertThat(model.batches).hasSize(1);
    harness.setProcessingTime(80);
    assertThat(model.batches).hasSize(2);
    assertThat(model.batches.get(1)).extracting(Interaction::userId).containsExactly("late");
  }

  @Test
  void publishEmitsChangedRowsThenAStatusWithIncreasingSequences() throws Exception {
    harness = open(settings(0, 7), null, 0);

    IntStream.range(0, BATCH).forEach(k -> process(click("u" + (k % 2), "i" + k, 1_000 + k)));
    harness.setProcessingTime(PUBLISH_MS);

    List<EmbeddingUpdate> first = harness.updates();
    assertThat(first)
        .extracting(u -> u.getEntity() + ":" + u.getId())
        .containsExactlyInAnyOrder(
            "USER:u0", "USER:u1", "ITEM:i0", "ITEM:i1", "ITEM:i2", "ITEM:i3");
    assertThat(first)
        .allSatisfy(
            u -> {
              assertThat(u.getModelVersion()).isEqualTo(7);
              assertThat(u.getSequence()).isEqualTo(FIRST_SEQUENCE);
              assertThat(u.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(PUBLISH_MS));
            });
    EmbeddingUpdate u0 =
        first.stream()
            .filter(u -> u.getEntity() == Entity.USER && u.getId().equals("u0"))
            .findFirst()
            .orElseThrow();
    assertThat(u0.getVector()).containsExactly(2f, (float) "u0".hashCode());

    List<TrainerStatus> statuses = statuses();
    assertThat(statuses).hasSize(1);
    assertThat(statuses.get(0).getEventsTrained()).isEqualTo(BATCH);
    assertThat(statuses.get(0).getBatches()).isEqualTo(1);
    assertThat(statuses.get(0).getUsers()).isEqualTo(2);
    assertThat(statuses.get(0).getItems()).isEqualTo(4);
    assertThat(statuses.get(0).getSequence()).isEqualTo(FIRST_SEQUENCE);
    assertThat(statuses.get(0).getLastEventTime()).isEqualTo(Instant.ofEpochMilli(1_003));

    // nothing changed: the next publish sends no rows, only a status with a higher sequence
    harness.h.getOutput().clear();
    harness.setProcessingTime(2 * PUBLISH_MS);
    assertThat(harness.updates()).isEmpty();
    assertThat(statuses())
        .extracting(TrainerStatus::getSequence)
        .containsExactly(FIRST_SEQUENCE, FIRST_SEQUENCE + 1);

    // only rows changed since the last publish go out
    IntStream.range(0, BATCH).forEach(k -> process(click("u9", "i0", 2_000 + k)));
    harness.setProcessingTime(3 * PUBLISH_MS);
    assertThat(harness.updates())
        .extracting(u -> u.getEntity() + ":" + u.getId())
        .containsExactlyInAnyOrder("USER:u9", "ITEM:i0");
  }

  @Test
  void snapshotAndRestoreCarryModelPendingBatchAndSequence() throws Exception {
    harness = open(settings(0, 1), null, 0);
    IntStream.range(0, BATCH + 3).forEach(k -> process(click("u" + k, "i" + k, k)));
    harness.setProcessingTime(5_000);
    long lastSequence = statuses().get(0).getSequence();
    OperatorSubtaskState state = harness.checkpoint(1L, 5_001L);
    harness.close();

    // the restored task runs on a machine whose clock is behind: the sequence must still go up
    harness = open(settings(0, 1), state, 1_000);
    FakeModel restored = model(harness);
    assertThat(restored.restoredFromBatches).isEqualTo(1);
    assertThat(restored.stats().eventsTrained()).isEqualTo(BATCH);
    assertThat(restored.userVector("u0")).isNotNull();

    process(click("after-restore", "ix", 99));
    assertThat(restored.batches).hasSize(1);
    assertThat(restored.batches.get(0))
        .extracting(Interaction::userId)
        .containsExactly("u4", "u5", "u6", "after-restore");

    harness.setProcessingTime(1_000 + PUBLISH_MS);
    assertThat(statuses()).as("a restored run publishes from its first barrier on").isEmpty();
    harness.checkpoint(2L, 1_001L + PUBLISH_MS);
    List<TrainerStatus> statuses = statuses();
    assertThat(statuses).hasSize(1);
    long sequence = (TrainerOperator.SEQUENCE_EPOCH_OFFSET + 3) << 32;
    assertThat(statuses.get(0).getSequence()).isEqualTo(sequence).isGreaterThan(lastSequence);
    assertThat(statuses.get(0).getEventsTrained()).isEqualTo(2 * BATCH);
    assertThat(harness.updates())
        .isNotEmpty()
        .allSatisfy(u -> assertThat(u.getSequence()).isEqualTo(sequence));

    harness.setProcessingTime(1_000 + 2 * PUBLISH_MS);
    assertThat(statuses())
        .extracting(TrainerStatus::getSequence)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void updatesCarryTheEpochOfTheCheckpointThatCommitsThem() throws Exception {
    harness = open(settings(0, 1), null, 0);
    IntStream.range(0, BATCH).forEach(k -> process(click("u" + k, "i" + k, k)));
    harness.setProcessingTime(PUBLISH_MS);
    assertThat(harness.updates())
        .isNotEmpty()
        .allSatisfy(u -> assertThat(u.getCheckpointEpoch()).isEqualTo(1));

    OperatorSubtaskState state = harness.checkpoint(3L, 1_001L);
    harness.h.getOutput().clear();
    IntStream.range(0, BATCH).forEach(k -> process(click("v" + k, "i" + k, 10 + k)));
    harness.setProcessingTime(2 * PUBLISH_MS);
    assertThat(harness.updates())
        .isNotEmpty()
        .allSatisfy(u -> assertThat(u.getCheckpointEpoch()).isEqualTo(4));
    harness.close();

    // restored from checkpoint 3, the job replays what followed it: those updates belong to epoch 4
    // again
    harness = open(settings(0, 1), state, 3_000, 3L);
    IntStream.range(0, BATCH).forEach(k -> process(click("w" + k, "i" + k, 20 + k)));
    harness.h.prepareSnapshotPreBarrier(4L); // the first barrier after the restore publishes them
    assertThat(harness.updates())
        .isNotEmpty()
        .allSatisfy(u -> assertThat(u.getCheckpointEpoch()).isEqualTo(4));
  }

  @Test
  void withoutATimeBoundARestoredPartialBatchWaitsForItsCount() throws Exception {
    harness = open(settings(0, 1), null, 0);
    process(click("u1", "i1", 1));
    OperatorSubtaskState state = harness.checkpoint(1L, 1L);
    harness.close();

    harness = open(settings(0, 1), state, 10_000);
    FakeModel restored = model(harness);
    harness.setProcessingTime(20_000);
    assertThat(restored.batches).as("no timer closes it early").isEmpty();
    IntStream.range(1, BATCH).forEach(k -> process(click("u" + k, "i" + k, 1 + k)));
    assertThat(restored.batches).hasSize(1);
    assertThat(restored.batches.get(0))
        .extracting(Interaction::userId)
        .containsExactly("u1", "u1", "u2", "u3")
        .hasSize(BATCH);
  }

  @Test
  void aRestoredPartialBatchStillClosesOnItsTimer() throws Exception {
    harness = open(settings(50, 1), null, 0);
    process(click("u1", "i1", 1));
    OperatorSubtaskState state = harness.checkpoint(1L, 1L);
    harness.close();

    harness = open(settings(50, 1), state, 10_000);
    FakeModel restored = model(harness);
    assertThat(restored.batches).isEmpty();
    harness.setProcessingTime(10_050);
    assertThat(restored.batches).hasSize(1);
    assertThat(restored.batches.get(0)).extracting(Interaction::userId).containsExactly("u1");
  }

  @Test
  void restoringAnotherModelVersionFailsWithAClearMessage() throws Exception {
    harness = open(settings(0, 1), null, 0);
    OperatorSubtaskState state = harness.checkpoint(1L, 1L);
    harness.close();
    harness = null;

    assertThatThrownBy(
            () -> TrainerHarness.open(settings(0, 2), new FakeModel.Factory(), 1, 0, state, 0))
        .hasStackTraceContaining("model version 1 but --model.version is 2");
  }

  @Test
  void itemFeaturesReachTheModelAsTokensAndARemovalAsNoTokens() throws Exception {
    harness = open(settings(0, 1), null, 0);

    harness.features(
        ItemFeatures.newBuilder()
            .setItemId("i7")
            .setCategories(List.of("Comedy", " Drama "))
            .setTags(List.of("Cult"))
            .setNumeric(java.util.Map.of("year", 1995.0))
            .setUpdatedAt(Instant.EPOCH)
            .build());
    FakeModel model = model(harness);
    // the default options: at most 32 tokens, years in buckets of 5; names normalised
    assertThat(model.itemFeatures.get("i7"))
        .containsExactly("c:comedy", "c:drama", "t:cult", "n:year:399");

    harness.features(ItemFeatures.newBuilder().setItemId("i8").setUpdatedAt(Instant.EPOCH).build());
    harness.removeFeatures("i7");

    assertThat(model.itemFeatures).containsOnlyKeys("i7", "i8");
    assertThat(model.itemFeatures.get("i8")).as("a record without features").isEmpty();
    assertThat(model.itemFeatures.get("i7")).as("withdrawn").isEmpty();
    assertThat(harness.updates()).as("features alone train nothing").isEmpty();
    assertThat(model.batches).isEmpty();
  }

  @Test
  void itemFeatureTokensFollowTheModelsFeatureOptions() throws Exception {
    ModelConfig config =
        ModelConfig.builder()
            .dim(2)
            .batchSize(BATCH)
            .itemFeatureTokens(3)
            .itemFeatureBucketWidths("year=10")
            .build();
    harness = open(new TrainerSettings(config, 1, 0, PUBLISH_MS), null, 0);
    FakeModel model = model(harness);

    harness.features(
        ItemFeatures.newBuilder()
            .setItemId("i1")
            .setCategories(List.of("Comedy"))
            .setNumeric(java.util.Map.of("year", 1995.0))
            .setUpdatedAt(Instant.EPOCH)
            .build());
    assertThat(model.itemFeatures.get("i1")).containsExactly("c:comedy", "n:year:199");

    harness.features(
        ItemFeatures.newBuilder()
            .setItemId("i1")
            .setCategories(List.of("a", "b", "c", "d"))
            .setUpdatedAt(Instant.EPOCH)
            .build());
    assertThat(model.itemFeatures.get("i1"))
        .as("replaced, and cut to model.item-features.max-tokens")
        .containsExactly("c:a", "c:b", "c:c");
  }

  @Test
  void finishTrainsTheRestAndPublishes() throws Exception {
    harness = open(settings(0, 1), null, 0);
    process(click("u1", "i1", 1));

    harness.h.getOperator().finish();

    assertThat(model(harness).batches).hasSize(1);
    assertThat(harness.updates()).hasSize(2);
    assertThat(statuses())
        .singleElement()
        .satisfies(s -> assertThat(s.getEventsTrained()).isEqualTo(1));
  }

  // ------------------------------------------------------------------------------------------------------

  private static TrainerSettings settings(long maxWaitMs, long modelVersion) {
    ModelConfig model = ModelConfig.builder().dim(2).batchSize(BATCH).build();
    return new TrainerSettings(model, modelVersion, maxWaitMs, PUBLISH_MS);
  }

  private static TrainerHarness open(
      TrainerSettings settings, OperatorSubtaskState state, long processingTime) throws Exception {
    return TrainerHarness.open(settings, new FakeModel.Factory(), 1, 0, state, processingTime);
  }

  private static TrainerHarness open(
      TrainerSettings settings,
      OperatorSubtaskState state,
      long processingTime,
      long restoredCheckpointId)
      throws Exception {
    return TrainerHarness.open(
        settings, new FakeModel.Factory(), 1, 0, state, processingTime, restoredCheckpointId);
  }

  private static FakeModel model(TrainerHarness h) {
    return (FakeModel) h.operator().model();
  }

  private List<TrainerStatus> statuses() {
    return harness.statuses();
  }

  private void process(ClickEvent click) {
    harness.click(click);
  }

  private static ClickEvent click(String user, String item, long eventTime) {
    return new ClickEvent(user, item, Instant.ofEpochMilli(eventTime), EventType.CLICK, 1f);
  }
}

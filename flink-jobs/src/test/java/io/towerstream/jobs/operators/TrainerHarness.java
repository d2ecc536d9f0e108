package io.towerstream.jobs.operators;

import io.towerstream.jobs.functions.UserIdKey;
import io.towerstream.jobs.records.AvroRecordSerializer;
import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.util.InstantiationUtil;

/**
 * One trainer subtask in Flink's keyed two-input operator harness, as the job wires it: clicks
 * keyed by user on input 1, the sync topic's deltas and the item features (unkeyed, broadcast) on
 * input 2.
 */
final class TrainerHarness implements AutoCloseable {
  static final int MAX_PARALLELISM = 16;
  final KeyedTwoInputStreamOperatorTestHarness<
          String, ClickEvent, TrainerSideInput, EmbeddingUpdate>
      h;

  private TrainerHarness(
      KeyedTwoInputStreamOperatorTestHarness<String, ClickEvent, TrainerSideInput, EmbeddingUpdate>
          h) {
    this.h = h;
  }

  static TrainerHarness open(
      TrainerSettings settings,
      ModelFactory models,
      int parallelism,
      int subtask,
      OperatorSubtaskState state,
      long processingTime)
      throws Exception {
    return open(settings, models, parallelism, subtask, state, processingTime, -1);
  }

  /** As a restore from checkpoint {@code restoredCheckpointId} does (-1: the harness's default). */
  static TrainerHarness open(
      TrainerSettings settings,
      ModelFactory models,
      int parallelism,
      int subtask,
      OperatorSubtaskState state,
      long processingTime,
      long restoredCheckpointId)
      throws Exception {
    return open(
        new TrainerOperator(settings, models, Topics.MODEL_SYNC.defaultName()),
        parallelism,
        subtask,
        state,
        processingTime,
        restoredCheckpointId);
  }

  /**
   * As a cluster runs it: the operator serialised and read back, as it travels to a TaskManager
   * (which skips the initialisers of transient fields).
   */
  static TrainerHarness openShipped(
      TrainerSettings settings, ModelFactory models, int parallelism, int subtask)
      throws Exception {
    TrainerOperator shipped =
        InstantiationUtil.clone(
            new TrainerOperator(settings, models, Topics.MODEL_SYNC.defaultName()));
    return open(shipped, parallelism, subtask, null, 0, -1);
  }

  private static TrainerHarness open(
      TrainerOperator operator,
      int parallelism,
      int subtask,
      OperatorSubtaskState state,
      long processingTime,
      long restoredCheckpointId)
      throws Exception {
    var h =
        new KeyedTwoInputStreamOperatorTestHarness<
            String, ClickEvent, TrainerSideInput, EmbeddingUpdate>(
            operator, new UserIdKey(), null, Types.STRING, MAX_PARALLELISM, parallelism, subtask);
    h.setup(new AvroRecordSerializer<>(EmbeddingUpdate.class));
    h.setProcessingTime(processingTime);
    if (restoredCheckpointId >= 0) {
      h.setRestoredCheckpointId(restoredCheckpointId);
    }
    if (state != null) {
      h.initializeState(state);
    }
    h.open();
    return new TrainerHarness(h);
  }

  /**
   * Union state and keyed state of several subtasks, cut for {@code subtask} of {@code
   * newParallelism}.
   */
  static OperatorSubtaskState rescale(
      List<OperatorSubtaskState> states, int oldParallelism, int newParallelism, int subtask)
      throws Exception {
    OperatorSubtaskState packed =
        AbstractStreamOperatorTestHarness.repackageState(
            states.toArray(OperatorSubtaskState[]::new));
    return AbstractStreamOperatorTestHarness.repartitionOperatorState(
        packed, MAX_PARALLELISM, oldParallelism, newParallelism, subtask);
  }

  void click(String user, String item, long eventTime) {
    try {
      h.processElement1(
          new ClickEvent(user, item, Instant.ofEpochMilli(eventTime), EventType.CLICK, 1f), 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void click(ClickEvent click) {
    try {
      h.processElement1(click, 0);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  void delta(ModelDelta delta) throws Exception {
    h.processElement2(TrainerSideInput.delta(delta), 0);
  }

  void features(ItemFeatures features) throws Exception {
    h.processElement2(TrainerSideInput.features(features), 0);
  }

  void removeFeatures(String itemId) throws Exception {
    h.processElement2(TrainerSideInput.removal(itemId), 0);
  }

  /** What a checkpoint does: the pre-barrier hook, then the snapshot. */
  OperatorSubtaskState checkpoint(long id, long timestamp) throws Exception {
    h.prepareSnapshotPreBarrier(id);
    return h.snapshot(id, timestamp);
  }

  List<EmbeddingUpdate> updates() {
    return h.extractOutputValues();
  }

  List<TrainerStatus> statuses() {
    var side = h.getSideOutput(TrainerOperator.STATUS);
    return side == null ? List.of() : side.stream().map(r -> r.getValue().f1).toList();
  }

  List<ModelDelta> deltas() {
    var side = h.getSideOutput(TrainerOperator.SYNC);
    return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
  }

  TrainerOperator operator() {
    return (TrainerOperator) h.getOperator();
  }

  void setProcessingTime(long t) throws Exception {
    h.setProcessingTime(t);
  }

  @Override
  public void close() throws Exception {
    h.close();
  }
}

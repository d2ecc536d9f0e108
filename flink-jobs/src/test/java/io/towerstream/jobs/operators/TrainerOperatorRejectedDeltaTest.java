package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.jobs.sync.ModelDeltas;
import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.ModelDelta;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.junit.jupiter.api.Test;

/**
 * A sibling's delta the model refuses, with the real model: nothing of it is applied, the trainer
 * goes on, the delta goes to the dead letters with the reason, and the sibling's next delta
 * applies.
 */
class TrainerOperatorRejectedDeltaTest {
  private static final int DIM = 8;
  private static final long SYNC_MS = 200;
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(
          ModelConfig.builder()
              .dim(DIM)
              .batchSize(8)
              .reservoirCapacity(100)
              .reservoirNegatives(4)
              .build(),
          1,
          0,
          1_000,
          0,
          1,
          1,
          SYNC_MS,
          0,
          0,
          0);

  @Test
  void aRefusedDeltaIsDeadLetteredOnceAndTheNextOneApplies() throws Exception {
    try (TrainerHarness h =
        TrainerHarness.open(SETTINGS, new TwoTowerModelFactory(), 2, 0, null, 0)) {
      clicks(h, 0);
      h.setProcessingTime(SYNC_MS); // its own delta says which generation the siblings share
      long generation = h.deltas().get(0).getGeneration();
      SyncLedger sibling = SyncLedger.fresh(777, generation);
      long batches = h.operator().model().stats().batches();

      ModelDelta wrongDense = record(delta("poison-a", new float[3]), sibling);
      ModelDelta unevenLengths =
          ModelDelta.newBuilder(record(delta("poison-b", null), sibling))
              .setItemValues(ByteBuffer.allocate(4 * (DIM + 1)))
              .build();
      h.delta(wrongDense);
      h.delta(unevenLengths);
      h.delta(record(delta("synced", null), sibling));
      clicks(h, 1);

      assertThat(h.operator().model().itemVector("poison-a")).as("nothing of it added").isNull();
      assertThat(h.operator().model().itemVector("poison-b")).isNull();
      assertThat(h.operator().model().itemVector("synced"))
          .as("the next delta applied")
          .isNotNull();
      assertThat(h.operator().model().stats().batches())
          .as("training went on")
          .isGreaterThan(batches);
      List<DeadLetter> letters =
          h.h.getSideOutput(TrainerOperator.REJECTED_DELTAS).stream()
              .map(StreamRecord::getValue)
              .toList();
      assertThat(letters)
          .extracting(DeadLetter::getReason)
          .satisfiesExactly(
              r ->
                  assertThat(r)
                      .startsWith(
                          "model delta 777/1 of subtask 1 refused: replica delta has 3 dense"
                              + " values, this model "),
              r ->
                  assertThat(r)
                      .isEqualTo(
                          "model delta 777/2 of subtask 1 refused: a delta of 1 items of dim 8"
                              + " needs 10 values, has 9"));
      DeadLetter first = letters.get(0);
      assertThat(first.getSourceTopic()).isEqualTo(Topics.MODEL_SYNC.defaultName());
      assertThat(Topic.key(bytes(first.getKey()))).isEqualTo("777");
      assertThat(Topics.MODEL_SYNC.codec().decode(bytes(first.getValue())))
          .as("the delta whole")
          .isEqualTo(wrongDense);
    }
  }

  /** Two batches of clicks of users subtask 0 of 2 owns. */
  private static void clicks(TrainerHarness h, int round) {
    List<String> users =
        IntStream.range(0, 40)
            .mapToObj(u -> "u" + u)
            .filter(
                u ->
                    KeyGroupRangeAssignment.assignKeyToParallelOperator(
                            u, TrainerHarness.MAX_PARALLELISM, 2)
                        == 0)
            .limit(5)
            .toList();
    for (int k = 0; k < 16; k++) {
      h.click(users.get(k % users.size()), "i" + (k + round) % 7, 1_000L * (16 * round + k));
    }
  }

  /** One item's change; a dense part of another size than the model's when given. */
  private static ReplicaDelta delta(String item, float[] dense) {
    float[] values = new float[ReplicaDelta.stride(DIM)];
    values[0] = 0.25f;
    values[DIM + 1] = Float.NEGATIVE_INFINITY;
    return new ReplicaDelta(DIM, new String[] {item}, values, dense, 0, 0);
  }

  private static ModelDelta record(ReplicaDelta delta, SyncLedger sender) {
    return ModelDeltas.toRecords(delta, sender, 1, SETTINGS.modelVersion(), Instant.EPOCH).get(0);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}

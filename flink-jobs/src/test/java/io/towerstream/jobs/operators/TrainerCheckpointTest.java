package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.Interaction;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerCheckpointTest {
  @Test
  void roundTripsEveryField() {
    TrainerCheckpoint c =
        new TrainerCheckpoint(
            3,
            1,
            4,
            77,
            List.of(new Interaction("u", "i", 0.5f, 9)),
            new TrainerCheckpoint.Counters(10, 2, 1),
            new SyncLedger.Saved(5, 6, Map.of(7L, 8L), Map.of(9L, 10L)),
            new byte[] {1, 2, 3},
            new byte[] {4, 5});
    TrainerCheckpoint back = TrainerCheckpoint.decode(c.encode());
    assertThat(back.modelVersion()).isEqualTo(3);
    assertThat(back.subtask()).isEqualTo(1);
    assertThat(back.parallelism()).isEqualTo(4);
    assertThat(back.lastSequence()).isEqualTo(77);
    assertThat(back.pendingBatch()).containsExactly(new Interaction("u", "i", 0.5f, 9));
    assertThat(back.counters()).isEqualTo(new TrainerCheckpoint.Counters(10, 2, 1));
    assertThat(back.sync()).isEqualTo(c.sync());
    assertThat(back.sharedModel()).containsExactly(1, 2, 3);
    assertThat(back.evaluator()).containsExactly(4, 5);
    TrainerCheckpoint none =
        new TrainerCheckpoint(
            3,
            2,
            4,
            1,
            List.of(),
            TrainerCheckpoint.Counters.ZERO,
            SyncLedger.Saved.NONE,
            null,
            null);
    assertThat(TrainerCheckpoint.decode(none.encode()).sharedModel()).isNull();
    assertThat(TrainerCheckpoint.decode(none.encode()).evaluator()).isNull();
  }

  /**
   * Format 2 (before the evaluator was kept) still restores: its bytes are format 3's without the
   * trailing evaluator flag, as the encoder of that format wrote them.
   */
  @Test
  void formatTwoRestoresWithoutAnEvaluator() {
    TrainerCheckpoint c =
        new TrainerCheckpoint(
            3,
            0,
            1,
            5,
            List.of(new Interaction("u", "i", 1f, 2)),
            new TrainerCheckpoint.Counters(64, 1, 0),
            SyncLedger.Saved.NONE,
            new byte[] {7},
            null);
    byte[] v3 = c.encode();
    byte[] v2 = java.util.Arrays.copyOf(v3, v3.length - 1);
    ByteBuffer.wrap(v2).putInt(0, 2);
    TrainerCheckpoint back = TrainerCheckpoint.decode(v2);
    assertThat(back.pendingBatch()).containsExactly(new Interaction("u", "i", 1f, 2));
    assertThat(back.counters()).isEqualTo(new TrainerCheckpoint.Counters(64, 1, 0));
    assertThat(back.sharedModel()).containsExactly(7);
    assertThat(back.evaluator()).isNull();
  }

  @Test
  void theSingleOwnerTrainersFormatIsRefusedWithWhatToDo() {
    byte[] v1 = ByteBuffer.allocate(32).putInt(1).array();
    assertThatThrownBy(() -> TrainerCheckpoint.decode(v1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("single-owner")
        .hasMessageContaining("--model.version");
  }
}

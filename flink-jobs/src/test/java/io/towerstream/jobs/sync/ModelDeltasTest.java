package io.towerstream.jobs.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.ModelDelta;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelDeltasTest {
  @Test
  void aLargeDeltaIsCutIntoNumberedRecordsThatReassembleExactly() {
    int n = ModelDeltas.MAX_ITEMS_PER_RECORD * 2 + 5;
    int dim = 3;
    String[] ids = new String[n];
    int stride = ReplicaDelta.stride(dim);
    float[] values = new float[n * stride];
    for (int k = 0; k < n; k++) {
      ids[k] = "item-" + k;
      for (int j = 0; j < stride; j++) {
        values[k * stride + j] =
            j == stride - 1 && k % 2 == 0 ? Float.NEGATIVE_INFINITY : k + j / 10f;
      }
    }
    ReplicaDelta delta = new ReplicaDelta(dim, ids, values, new float[] {1.5f, -2f}, 77, 5);
    SyncLedger ledger = SyncLedger.fresh(42, 9);
    List<ModelDelta> records = ModelDeltas.toRecords(delta, ledger, 3, 1, Instant.ofEpochMilli(5));
    assertThat(records).hasSize(3).extracting(ModelDelta::getSequence).containsExactly(1L, 2L, 3L);
    assertThat(records)
        .allSatisfy(
            r -> {
              assertThat(r.getOrigin()).isEqualTo(42);
              assertThat(r.getGeneration()).isEqualTo(9);
              assertThat(r.getSubtask()).isEqualTo(3);
            });
    assertThat(records.get(1).getDense()).as("dense part once").isNull();

    int k = 0;
    for (ModelDelta r : records) {
      ModelDelta decoded = Topics.MODEL_SYNC.codec().decode(Topics.MODEL_SYNC.codec().encode(r));
      ReplicaDelta part = ModelDeltas.fromRecord(decoded);
      for (int i = 0; i < part.items(); i++, k++) {
        assertThat(part.itemIds()[i]).isEqualTo(ids[k]);
        for (int j = 0; j < stride; j++) {
          assertThat(part.itemValues()[i * stride + j]).isEqualTo(values[k * stride + j]);
        }
      }
      assertThat(part.priorOrigin()).isEqualTo(5);
      if (r == records.get(0)) {
        assertThat(part.dense()).containsExactly(1.5f, -2f);
        assertThat(part.events()).isEqualTo(77);
      } else {
        assertThat(part.events()).as("counted once").isZero();
      }
    }
    assertThat(k).isEqualTo(n);
  }

  @Test
  void anEmptyDeltaSendsNothingAndAMalformedRecordIsRefused() {
    assertThat(
            ModelDeltas.toRecords(
                ReplicaDelta.empty(4), SyncLedger.fresh(1, 1), 0, 1, Instant.EPOCH))
        .isEmpty();
    ModelDelta bad =
        ModelDelta.newBuilder()
            .setOrigin(1)
            .setGeneration(1)
            .setSequence(1)
            .setSubtask(0)
            .setModelVersion(1)
            .setDim(2)
            .setItemIds(List.of("a"))
            .setItemValues(ByteBuffer.allocate(8))
            .setEvents(0)
            .setPriorOrigin(0)
            .setProducedAt(Instant.EPOCH)
            .build();
    assertThatThrownBy(() -> ModelDeltas.fromRecord(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 values for 1 items of dim 2");
  }
}

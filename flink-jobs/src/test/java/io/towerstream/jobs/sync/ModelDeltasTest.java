package io.towerstream.jobs.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.InvalidReplicaDeltaException;
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
  void sideFeatureRowsTravelWithTheDeltaAndReassembleExactly() {
    int dim = 2;
    String[] items = {"i1"};
    float[] itemValues = {1f, 2f, 0.5f, Float.NEGATIVE_INFINITY};
    int features = ModelDeltas.MAX_ITEMS_PER_RECORD + 3; // more rows than fit one record
    String[] featureIds = new String[features];
    float[] featureValues = new float[features * dim];
    for (int k = 0; k < features; k++) {
      featureIds[k] = "t:tag-" + k;
      featureValues[k * dim] = k;
      featureValues[k * dim + 1] = -k / 4f;
    }
    ReplicaDelta delta =
        new ReplicaDelta(dim, items, itemValues, null, 3, 0, featureIds, featureValues);

    List<ModelDelta> records =
        ModelDeltas.toRecords(delta, SyncLedger.fresh(1, 1), 0, 1, Instant.EPOCH);

    assertThat(records).hasSize(2);
    assertThat(records.get(0).getItemIds()).containsExactly("i1");
    assertThat(records.get(1).getItemIds()).isEmpty();
    List<String> ids = new java.util.ArrayList<>();
    List<Float> values = new java.util.ArrayList<>();
    for (ModelDelta r : records) {
      ReplicaDelta part =
          ModelDeltas.fromRecord(
              Topics.MODEL_SYNC.codec().decode(Topics.MODEL_SYNC.codec().encode(r)));
      ids.addAll(List.of(part.featureIds()));
      for (float v : part.featureValues()) {
        values.add(v);
      }
      if (r == records.get(0)) {
        assertThat(part.itemValues()).containsExactly(itemValues);
        assertThat(part.events()).isEqualTo(3);
      }
    }
    assertThat(ids).containsExactly(featureIds);
    assertThat(values).hasSize(featureValues.length);
    for (int k = 0; k < featureValues.length; k++) {
      assertThat(values.get(k)).isEqualTo(featureValues[k]);
    }

    // a delta with feature rows only is sent too
    ReplicaDelta onlyFeatures =
        new ReplicaDelta(
            dim, new String[0], new float[0], null, 0, 0, new String[] {"c:x"}, new float[2]);
    assertThat(ModelDeltas.toRecords(onlyFeatures, SyncLedger.fresh(1, 1), 0, 1, Instant.EPOCH))
        .singleElement()
        .satisfies(r -> assertThat(r.getFeatureIds()).containsExactly("c:x"));
  }

  @Test
  void aRecordWhoseFeatureValuesDoNotMatchItsFeatureRowsIsRefused() {
    ModelDelta bad =
        ModelDelta.newBuilder()
            .setOrigin(1)
            .setGeneration(1)
            .setSequence(4)
            .setSubtask(0)
            .setModelVersion(1)
            .setDim(2)
            .setItemIds(List.of())
            .setItemValues(ByteBuffer.allocate(0))
            .setFeatureIds(List.of("c:comedy", "n:year:399"))
            .setFeatureValues(ByteBuffer.allocate(12))
            .setEvents(0)
            .setPriorOrigin(0)
            .setProducedAt(Instant.EPOCH)
            .build();
    assertThatThrownBy(() -> ModelDeltas.fromRecord(bad))
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("a delta of 2 side-feature rows of dim 2 needs 4 values, has 3");
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
        .isInstanceOf(InvalidReplicaDeltaException.class)
        .hasMessage("a delta of 1 items of dim 2 needs 4 values, has 2");
  }
}

package io.towerstream.store.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.EmbeddingStore;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchApplierTest {
  @TempDir Path dir;

  @Test
  void indexFollowsWhatRocksDbAppliedAndCountersAddUp() {
    IngestMetrics metrics = new IngestMetrics();
    ExactItemIndex index = new ExactItemIndex();
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      BatchApplier applier = new BatchApplier(store, index, metrics);
      applier.apply(
          StoreBatch.of(
              List.of(
                  item("a", 1, new float[] {1, 0}),
                  item("b", 1, new float[] {0, 1}),
                  item("c", 1, new float[] {1, 1}),
                  EmbeddingMutation.upsert(Entity.USER, "u", v(1, new float[] {1, 0}), null))));
      applier.apply(
          StoreBatch.of(
              List.of(
                  item("a", 0, new float[] {-1, 0}), // stale: must not reach the index
                  EmbeddingMutation.delete(Entity.ITEM, "b", null),
                  item("b", 2, new float[] {-1, 0}), // re-added after its delete in the same batch
                  item("c", 2, new float[] {0, 1}),
                  EmbeddingMutation.delete(
                      Entity.ITEM, "c", null), // deleted after its update in the same batch
                  item("d", 1, new float[] {1, 2, 3})))); // wrong dimension: malformed

      assertThat(index.size()).isEqualTo(2);
      assertThat(index.topK(new float[] {1, 0}, 5, Set.of()))
          .containsExactly(new ScoredItem("a", 1f), new ScoredItem("b", -1f));
      assertThat(store.stats().items()).isEqualTo(2);
      assertThat(store.get(Entity.ITEM, "d")).isEmpty();
      assertThat(metrics.updatesApplied()).isEqualTo(6);
      assertThat(metrics.deletesApplied()).isEqualTo(2);
      assertThat(metrics.staleIgnored()).isEqualTo(1);
      assertThat(metrics.malformedUpdates()).isEqualTo(1);
    }
  }

  /**
   * An update of a model version far ahead of the store's (or negative) is refused: applied, it
   * would beat every later update of its key and filter every bare-vector query to its version.
   */
  @Test
  void aModelVersionFarAheadIsRefusedAndItsKeyGoesOnUpdating() {
    IngestMetrics metrics = new IngestMetrics();
    ExactItemIndex index = new ExactItemIndex();
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      BatchApplier applier = new BatchApplier(store, index, metrics, 1000);
      applier.apply(StoreBatch.of(List.of(item("a", 1, new float[] {1, 0}))));
      List<String> refused = new ArrayList<>();
      StoreBatch batch =
          applier.admit(
              StoreBatch.of(
                  List.of(
                      versioned("a", Long.MAX_VALUE, 2, new float[] {0, 1}),
                      versioned("b", 1002, 2, new float[] {0, 1}), // 1001 ahead of version 1
                      versioned("c", -1, 2, new float[] {0, 1}),
                      item("d", 2, new float[] {1, 2, 3}), // another dimension
                      item("a", 3, new float[] {0.6f, 0.8f}),
                      versioned("e", 1001, 2, new float[] {0, 1}))), // 1000 ahead: a new generation
              (m, reason) -> refused.add(m.id() + ": " + reason));
      applier.apply(batch);

      assertThat(refused)
          .containsExactly(
              "a: model version 9223372036854775807 for ITEM:a lies more than 1000 above the"
                  + " highest the store has applied (1; see --max-model-version-lead)",
              "b: model version 1002 for ITEM:b lies more than 1000 above the highest the store"
                  + " has applied (1; see --max-model-version-lead)",
              "c: negative model version -1 for ITEM:c",
              "d: vector of dimension 3 for ITEM:d, the store's is 2");
      assertThat(metrics.malformedUpdates()).isEqualTo(4);
      assertThat(store.get(Entity.ITEM, "a").orElseThrow().sequence())
          .as("the later update of the key applied")
          .isEqualTo(3);
      assertThat(store.get(Entity.ITEM, "b")).isEmpty();
      assertThat(index.newestModelVersion()).isEqualTo(1001);
      assertThat(store.stats().maxModelVersion()).isEqualTo(1001);
    }
  }

  private static EmbeddingMutation versioned(
      String id, long modelVersion, long sequence, float[] vector) {
    return EmbeddingMutation.upsert(
        Entity.ITEM, id, new StoredVector(modelVersion, sequence, 1000 + sequence, vector), null);
  }

  private static EmbeddingMutation item(String id, long sequence, float[] vector) {
    return EmbeddingMutation.upsert(Entity.ITEM, id, v(sequence, vector), null);
  }

  private static StoredVector v(long sequence, float[] vector) {
    return new StoredVector(1, sequence, 1000 + sequence, vector);
  }
}

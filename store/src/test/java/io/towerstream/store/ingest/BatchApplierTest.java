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

  private static EmbeddingMutation item(String id, long sequence, float[] vector) {
    return EmbeddingMutation.upsert(Entity.ITEM, id, v(sequence, vector), null);
  }

  private static StoredVector v(long sequence, float[] vector) {
    return new StoredVector(1, sequence, 1000 + sequence, vector);
  }
}

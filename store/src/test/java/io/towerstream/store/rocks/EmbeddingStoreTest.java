package io.towerstream.store.rocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.TrainerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingStoreTest {
  private static final TopicPartition E0 = new TopicPartition("embeddings", 0);
  private static final TopicPartition E1 = new TopicPartition("embeddings", 1);
  private static final TopicPartition S0 = new TopicPartition("trainer-status", 0);

  @TempDir Path dir;

  @Test
  void reopenedStoreHasTheSameVectorsOffsetsCountsAndTrainerStatus() {
    Random random = new Random(11);
    List<EmbeddingMutation> mutations = new ArrayList<>();
    Map<String, StoredVector> expectedItems = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      StoredVector v = vector(random, 1, i, 8);
      mutations.add(EmbeddingMutation.upsert(Entity.ITEM, "item-" + i, v, null));
      expectedItems.put("item-" + i, v);
    }
    StoredVector user = vector(random, 1, 3, 8);
    mutations.add(EmbeddingMutation.upsert(Entity.USER, "u1", user, null));
    TrainerStatus status = trainerStatus(1, 3, 1234);

    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      WriteResult result =
          store.write(new StoreBatch(mutations, status, Map.of(E0, 40L, E1, 10L, S0, 2L)));
      assertThat(result.applied()).hasSize(51);
      assertThat(result.stale()).isZero();
    }
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      assertThat(store.lastOffsets())
          .containsOnly(Map.entry(E0, 40L), Map.entry(E1, 10L), Map.entry(S0, 2L));
      assertThat(store.get(Entity.USER, "u1")).contains(user);
      assertThat(store.get(Entity.ITEM, "u1")).isEmpty(); // users and items are separate namespaces
      Map<String, StoredVector> items = new LinkedHashMap<>();
      store.forEach(Entity.ITEM, items::put);
      assertThat(items).isEqualTo(expectedItems);
      assertThat(store.stats().users()).isEqualTo(1);
      assertThat(store.stats().items()).isEqualTo(50);
      assertThat(store.stats().maxModelVersion()).isEqualTo(1);
      assertThat(store.trainerStatus()).contains(status);
    }
  }

  @Test
  void ignoresUpdatesThatAreNotNewerThanTheStoredOne() {
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      store.write(StoreBatch.of(List.of(upsert("a", 2, 5, 1f))));

      WriteResult result =
          store.write(
              StoreBatch.of(
                  List.of(
                      upsert("a", 2, 5, 9f), // same version and sequence: a replay
                      upsert("a", 2, 4, 9f), // older sequence
                      upsert("a", 1, 99, 9f)))); // older model version
      assertThat(result.stale()).isEqualTo(3);
      assertThat(result.applied()).isEmpty();
      assertThat(store.get(Entity.ITEM, "a").orElseThrow().vector()).containsExactly(1f);

      result = store.write(StoreBatch.of(List.of(upsert("a", 2, 6, 2f), upsert("a", 3, 0, 3f))));
      assertThat(result.applied()).hasSize(2);
      assertThat(store.get(Entity.ITEM, "a").orElseThrow().vector()).containsExactly(3f);
      assertThat(store.stats().items()).isEqualTo(1);
    }
  }

  @Test
  void comparesWithEarlierMutationsOfTheSameBatch() {
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      WriteResult result =
          store.write(
              StoreBatch.of(
                  List.of(upsert("a", 1, 2, 2f), upsert("a", 1, 1, 1f), upsert("a", 1, 3, 3f))));
      assertThat(result.stale()).isEqualTo(1);
      assertThat(result.applied()).extracting(m -> m.vector().sequence()).containsExactly(2L, 3L);
      assertThat(store.get(Entity.ITEM, "a").orElseThrow().sequence()).isEqualTo(3);
      assertThat(store.stats().items()).isEqualTo(1);
    }
  }

  @Test
  void deletesRemoveVectorsAndCountsAndIgnoreAbsentIds() {
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      store.write(StoreBatch.of(List.of(upsert("a", 1, 1, 1f), upsert("b", 1, 1, 1f))));
      WriteResult result =
          store.write(
              StoreBatch.of(
                  List.of(
                      EmbeddingMutation.delete(Entity.ITEM, "a", null),
                      EmbeddingMutation.delete(Entity.ITEM, "zzz", null))));
      assertThat(result.applied()).extracting(EmbeddingMutation::id).containsExactly("a");
      assertThat(store.get(Entity.ITEM, "a")).isEmpty();
      assertThat(store.stats().items()).isEqualTo(1);
    }
  }

  @Test
  void storesOffsetsEvenWhenEveryRecordOfTheBatchWasStale() {
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      store.write(new StoreBatch(List.of(upsert("a", 1, 1, 1f)), null, Map.of(E0, 0L)));
      store.write(new StoreBatch(List.of(upsert("a", 1, 1, 1f)), null, Map.of(E0, 1L)));
      store.write(
          new StoreBatch(List.of(), null, Map.of(E0, 2L))); // a batch of malformed records only
    }
    try (EmbeddingStore store = EmbeddingStore.open(dir)) {
      assertThat(store.lastOffsets()).containsOnly(Map.entry(E0, 2L));
    }
  }

  @Test
  void failuresNameTheStorePath() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    assertThatThrownBy(() -> EmbeddingStore.open(file))
        .isInstanceOf(RocksStoreException.class)
        .hasMessageContaining(file.toString());

    EmbeddingStore store = EmbeddingStore.open(dir.resolve("db"));
    store.close();
    store.close(); // idempotent
    assertThatThrownBy(() -> store.get(Entity.USER, "u"))
        .hasMessageContaining(dir.resolve("db").toString());
  }

  @Test
  void aReaderOpensTheDirectoryTheWriterHoldsAndSeesItsStateAsOfOpening() {
    Path db = dir.resolve("db");
    assertThatThrownBy(() -> EmbeddingStore.openReadOnly(db))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a store directory");
    try (EmbeddingStore writer = EmbeddingStore.open(db)) {
      writer.write(StoreBatch.of(List.of(upsert("a", 1, 1, 0.5f))));
      try (EmbeddingStore reader = EmbeddingStore.openReadOnly(db)) {
        writer.write(StoreBatch.of(List.of(upsert("b", 1, 2, 0.25f))));

        List<String> seen = new ArrayList<>();
        reader.forEach(Entity.ITEM, (id, v) -> seen.add(id + "=" + v.vector()[0]));
        assertThat(seen).containsExactly("a=0.5");
        assertThat(reader.stats().items()).isEqualTo(1);
        assertThatThrownBy(() -> reader.write(StoreBatch.of(List.of(upsert("c", 1, 3, 1f)))))
            .isInstanceOf(RocksStoreException.class);
      }
      assertThat(writer.get(Entity.ITEM, "b")).isPresent();
    }
  }

  private static EmbeddingMutation upsert(String id, long version, long sequence, float value) {
    return EmbeddingMutation.upsert(
        Entity.ITEM,
        id,
        new StoredVector(version, sequence, 1000 + sequence, new float[] {value}),
        null);
  }

  private static StoredVector vector(Random random, long version, long sequence, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return new StoredVector(version, sequence, 1_700_000_000_000L + sequence, v);
  }

  static TrainerStatus trainerStatus(long version, long sequence, long eventsTrained) {
    return TrainerStatus.newBuilder()
        .setModelVersion(version)
        .setSequence(sequence)
        .setPublishedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setEventsTrained(eventsTrained)
        .setBatches(10)
        .setSkippedBatches(0)
        .setLoss(2.5)
        .setUsers(1)
        .setItems(50)
        .setLastEventTime(Instant.ofEpochMilli(1))
        .build();
  }
}

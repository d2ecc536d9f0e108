package io.towerstream.store.ingest;

import static io.towerstream.store.TestRecords.trainerStatus;
import static io.towerstream.store.TestRecords.update;
import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.StoreBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
  private final IngestMetrics metrics = new IngestMetrics();
  private final RecordDecoder decoder = new RecordDecoder("embeddings", "trainer-status", metrics);

  @Test
  void decodesUpdatesTombstonesAndTheLatestTrainerStatusWithTheirOffsets() {
    EmbeddingUpdate item = update(Entity.ITEM, "i1", new float[] {0.6f, 0.8f}, 2, 7);
    item.setBias(-0.75f);
    item.setCheckpointEpoch(12);
    assertThat(metrics.checkpointEpoch()).isEqualTo(-1);
    StoreBatch batch =
        decoder.decode(
            List.of(
                embedding(0, 5, "ITEM:i1", Topics.EMBEDDINGS.codec().encode(item)),
                embedding(1, 9, "USER:u1", null),
                status(0, 3, trainerStatus(2, 6, 100, 1.5)),
                status(0, 4, trainerStatus(2, 7, 200, 1.25))));

    assertThat(batch.mutations()).hasSize(2);
    EmbeddingMutation upsert = batch.mutations().get(0);
    assertThat(upsert.entity()).isEqualTo(Entity.ITEM);
    assertThat(upsert.id()).isEqualTo("i1");
    assertThat(upsert.vector().vector()).containsExactly(0.6f, 0.8f);
    assertThat(upsert.vector().modelVersion()).isEqualTo(2);
    assertThat(upsert.vector().sequence()).isEqualTo(7);
    assertThat(upsert.vector().bias()).isEqualTo(-0.75f);
    assertThat(upsert.vector().updatedAt()).isEqualTo(item.getUpdatedAt().toEpochMilli());
    assertThat(upsert.source()).isEqualTo("embeddings-0@5");
    assertThat(batch.mutations().get(1))
        .isEqualTo(EmbeddingMutation.delete(Entity.USER, "u1", "embeddings-1@9"));
    assertThat(batch.trainerStatus().getEventsTrained()).isEqualTo(200);
    assertThat(batch.lastOffsets())
        .containsOnly(
            Map.entry(new TopicPartition("embeddings", 0), 5L),
            Map.entry(new TopicPartition("embeddings", 1), 9L),
            Map.entry(new TopicPartition("trainer-status", 0), 4L));
    assertThat(metrics.malformedUpdates()).isZero();
    assertThat(metrics.checkpointEpoch()).isEqualTo(12);
  }

  @Test
  void countsSkipsAndHandsOnMalformedRecordsButStillConsumesTheirOffsets() {
    byte[] good =
        Topics.EMBEDDINGS.codec().encode(update(Entity.USER, "u1", new float[] {1f}, 1, 1));
    EmbeddingUpdate infiniteBias = update(Entity.ITEM, "i1", new float[] {1f}, 1, 1);
    infiniteBias.setBias(Float.POSITIVE_INFINITY);
    List<String> refused = new ArrayList<>();
    StoreBatch batch =
        decoder.decode(
            List.of(
                embedding(0, 0, "ITEM:x", new byte[] {1, 2, 3}), // not Avro
                embedding(0, 1, "ITEM:u1", good), // key does not match the value
                embedding(
                    0,
                    2,
                    "USER:u1",
                    Topics.EMBEDDINGS
                        .codec()
                        .encode(
                            update(
                                Entity.USER, "u1", new float[] {Float.NaN}, 1, 1))), // non-finite
                embedding(
                    0,
                    3,
                    "USER:u1",
                    Topics.EMBEDDINGS
                        .codec()
                        .encode(update(Entity.USER, "u1", new float[0], 1, 1))), // empty vector
                embedding(0, 4, "ORDER:1", null), // tombstone of an unknown kind
                embedding(
                    0,
                    4,
                    "ITEM:i1",
                    Topics.EMBEDDINGS.codec().encode(infiniteBias)), // non-finite bias
                embedding(0, 5, null, null), // tombstone without key
                new ConsumerRecord<>("trainer-status", 0, 0, null, new byte[] {9}), // bad status
                embedding(0, 6, "USER:u1", good)),
            (record, reason) -> refused.add(record.topic() + "@" + record.offset() + " " + reason));

    assertThat(metrics.malformedUpdates()).isEqualTo(8);
    assertThat(refused)
        .hasSize(8)
        .contains(
            "embeddings@2 non-finite value NaN at index 0 for USER:u1",
            "embeddings@3 empty vector for USER:u1",
            "embeddings@4 non-finite bias Infinity for ITEM:i1",
            "embeddings@1 key 'ITEM:u1' does not match the value's USER:u1");
    assertThat(refused.get(7)).startsWith("trainer-status@0 ");
    assertThat(batch.mutations()).extracting(EmbeddingMutation::id).containsExactly("u1");
    assertThat(batch.trainerStatus()).isNull();
    assertThat(batch.lastOffsets())
        .containsEntry(new TopicPartition("embeddings", 0), 6L)
        .containsEntry(new TopicPartition("trainer-status", 0), 0L);
  }

  private static ConsumerRecord<byte[], byte[]> embedding(
      int partition, long offset, String key, byte[] value) {
    return new ConsumerRecord<>("embeddings", partition, offset, Topic.key(key), value);
  }

  private static ConsumerRecord<byte[], byte[]> status(
      int partition, long offset, io.towerstream.schemas.avro.TrainerStatus status) {
    return new ConsumerRecord<>(
        "trainer-status",
        partition,
        offset,
        Topic.key("2"),
        Topics.TRAINER_STATUS.codec().encode(status));
  }
}

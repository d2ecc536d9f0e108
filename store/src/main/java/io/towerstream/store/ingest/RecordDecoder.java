package io.towerstream.store.ingest;

import io.towerstream.schemas.RecordDecodingException;
import io.towerstream.schemas.Topic;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.TrainerStatus;
import io.towerstream.store.rocks.EmbeddingMutation;
import io.towerstream.store.rocks.StoreBatch;
import io.towerstream.store.rocks.StoredVector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns polled records into a {@link StoreBatch}. A record that cannot be decoded or fails
 * validation (an empty or non-finite vector, a key that is not its value's) is logged with its
 * topic, partition, offset and the reason, counted as malformed, handed to the caller for the
 * dead-letter topic, and skipped; its offset still counts as consumed. A tombstone (null value) on
 * the embeddings topic deletes its key's entity.
 */
public final class RecordDecoder {
  private static final Logger LOG = LoggerFactory.getLogger(RecordDecoder.class);

  private final String embeddingsTopic;
  private final String trainerStatusTopic;
  private final IngestMetrics metrics;

  public RecordDecoder(String embeddingsTopic, String trainerStatusTopic, IngestMetrics metrics) {
    this.embeddingsTopic = embeddingsTopic;
    this.trainerStatusTopic = trainerStatusTopic;
    this.metrics = metrics;
  }

  /** Decodes records of both topics, in the given order, into one batch. */
  public StoreBatch decode(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    return decode(records, (record, problem) -> {});
  }

  /**
   * As {@link #decode(Iterable)}, handing every refused record to {@code refused} with the reason.
   */
  public StoreBatch decode(
      Iterable<ConsumerRecord<byte[], byte[]>> records,
      BiConsumer<ConsumerRecord<byte[], byte[]>, String> refused) {
    List<EmbeddingMutation> mutations = new ArrayList<>();
    Map<TopicPartition, Long> lastOffsets = new HashMap<>();
    TrainerStatus status = null;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      lastOffsets.merge(
          new TopicPartition(record.topic(), record.partition()), record.offset(), Math::max);
      try {
        if (record.topic().equals(embeddingsTopic)) {
          mutations.add(toMutation(record));
        } else if (record.topic().equals(trainerStatusTopic)) {
          if (record.value()
              != null) { // a tombstone of an old model version's status carries nothing
            status = Topics.TRAINER_STATUS.codec().decode(record.value());
          }
        } else {
          throw new RecordDecodingException("record from unexpected topic");
        }
      } catch (RecordDecodingException e) {
        metrics.malformed();
        LOG.warn(
            "skipping malformed record {}-{}@{} (key {}): {}",
            record.topic(),
            record.partition(),
            record.offset(),
            Topic.key(record.key()),
            e.getMessage());
        refused.accept(record, e.getMessage());
      }
    }
    return new StoreBatch(mutations, status, lastOffsets);
  }

  /** Where a record came from, as its mutation's {@link EmbeddingMutation#source()} says. */
  static String source(ConsumerRecord<?, ?> record) {
    return record.topic() + '-' + record.partition() + '@' + record.offset();
  }

  private EmbeddingMutation toMutation(ConsumerRecord<byte[], byte[]> record) {
    String source = source(record);
    String key = Topic.key(record.key());
    if (record.value() == null) {
      if (key == null) {
        throw new RecordDecodingException("tombstone without a key");
      }
      int colon = key.indexOf(':');
      String entity = colon < 0 ? "" : key.substring(0, colon);
      if (colon < 1
          || colon == key.length() - 1
          || !(entity.equals("USER") || entity.equals("ITEM"))) {
        throw new RecordDecodingException(
            "tombstone key '" + key + "' is not USER:<id> or ITEM:<id>");
      }
      return EmbeddingMutation.delete(Entity.valueOf(entity), key.substring(colon + 1), source);
    }
    EmbeddingUpdate update = Topics.EMBEDDINGS.codec().decode(record.value());
    if (update.getId() == null || update.getId().isEmpty()) {
      throw new RecordDecodingException("empty id");
    }
    String expectedKey = Topics.embeddingKey(update.getEntity(), update.getId());
    if (key != null && !key.equals(expectedKey)) {
      throw new RecordDecodingException(
          "key '" + key + "' does not match the value's " + expectedKey);
    }
    List<Float> values = update.getVector();
    if (values == null || values.isEmpty()) {
      throw new RecordDecodingException("empty vector for " + expectedKey);
    }
    float[] vector = new float[values.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = values.get(i);
      if (!Float.isFinite(vector[i])) {
        throw new RecordDecodingException(
            "non-finite value " + vector[i] + " at index " + i + " for " + expectedKey);
      }
    }
    float bias = update.getBias();
    if (!Float.isFinite(bias)) {
      throw new RecordDecodingException("non-finite bias " + bias + " for " + expectedKey);
    }
    List<String> recent = update.getRecentItems() == null ? List.of() : update.getRecentItems();
    if (recent.contains(null)) {
      throw new RecordDecodingException("null recent item for " + expectedKey);
    }
    StoredVector stored =
        new StoredVector(
            update.getModelVersion(),
            update.getSequence(),
            update.getUpdatedAt() == null ? 0 : update.getUpdatedAt().toEpochMilli(),
            vector,
            bias,
            recent);
    metrics.checkpointEpoch.accumulateAndGet(update.getCheckpointEpoch(), Math::max);
    return EmbeddingMutation.upsert(update.getEntity(), update.getId(), stored, source);
  }
}

package io.towerstream.schemas;

import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;

/** Every topic towerstream reads or writes, declared once. */
public final class Topics {
  /** Click events, the training input. */
  public static final Topic<ClickEvent> CLICKS =
      new Topic<>("clicks", "user id", AvroCodec.of(ClickEvent.class));

  /**
   * The catalogue: side features per item, read by the trainer from the beginning; compacted, so
   * the latest record per item is its features, and a tombstone (null value) withdraws them.
   */
  public static final Topic<ItemFeatures> ITEM_FEATURES =
      new Topic<>("item-features", "item id", AvroCodec.of(ItemFeatures.class));

  /**
   * Records the job could not use, with the reason: clicks, item features, and the replicas' deltas
   * the trainers refused (those re-encoded, at partition and offset -1).
   */
  public static final Topic<DeadLetter> CLICKS_DLQ =
      new Topic<>("clicks.dlq", "the rejected record's key", AvroCodec.of(DeadLetter.class));

  /**
   * Latest embedding per user and item; compacted, so it is also a snapshot of the whole model
   * output.
   */
  public static final Topic<EmbeddingUpdate> EMBEDDINGS =
      new Topic<>("embeddings", "ENTITY:id, see embeddingKey", AvroCodec.of(EmbeddingUpdate.class));

  /**
   * Records a retrieval store refused, with the reason: embedding updates (malformed, or of a model
   * version far ahead of what it holds) and undecodable trainer statuses; written by every store
   * replica that reads the record.
   */
  public static final Topic<DeadLetter> EMBEDDINGS_DLQ =
      new Topic<>("embeddings.dlq", "the rejected record's key", AvroCodec.of(DeadLetter.class));

  /** Training progress, one record per publish; compacted by model version. */
  public static final Topic<TrainerStatus> TRAINER_STATUS =
      new Topic<>("trainer-status", "model version", AvroCodec.of(TrainerStatus.class));

  /**
   * Deltas between the replicas of a sharded trainer (internal to the job, which writes and reads
   * it); a plain log with one partition, kept a day so that a restore finds the deltas its
   * checkpoint had not applied yet.
   */
  public static final Topic<ModelDelta> MODEL_SYNC =
      new Topic<>(
          "model-sync", "origin (the sending trainer instance)", AvroCodec.of(ModelDelta.class));

  private Topics() {}

  /** The compaction key of an embedding: {@code USER:42}, {@code ITEM:abc}. */
  public static String embeddingKey(Entity entity, String id) {
    return entity.name() + ':' + id;
  }
}

package io.towerstream.jobs.sync;

import io.towerstream.jobs.sinks.ModelDeltaRecordSerializer;
import io.towerstream.model.InvalidReplicaDeltaException;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.Topics;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.ModelDelta;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between the model's {@link ReplicaDelta} and the {@link ModelDelta} records of the sync
 * topic. A large delta is cut into records of at most {@value #MAX_ITEMS_PER_RECORD} items and as
 * many side-feature token rows (about 1 MB at dim 64 when both are full, within the sync sink's 4
 * MB request size); the dense part and the event count travel in the first record. Each record is a
 * delta of its own: the receiver applies them one by one.
 */
public final class ModelDeltas {
  public static final int MAX_ITEMS_PER_RECORD = 2_000;

  private ModelDeltas() {}

  /**
   * The records of one delta, each with the next sequence of {@code ledger}; none for an empty
   * delta.
   */
  public static List<ModelDelta> toRecords(
      ReplicaDelta delta, SyncLedger ledger, int subtask, long modelVersion, Instant now) {
    List<ModelDelta> out = new ArrayList<>();
    if (delta.isEmpty()) {
      return out;
    }
    int dim = delta.dim();
    int stride = ReplicaDelta.stride(dim);
    int n = delta.items();
    int f = delta.features();
    // feature rows are cut like the items, not all put in the first record: a delta of a large tag
    // vocabulary would otherwise outgrow the request size alone
    for (int start = 0; start == 0 || start < Math.max(n, f); start += MAX_ITEMS_PER_RECORD) {
      int end = Math.min(n, start + MAX_ITEMS_PER_RECORD);
      int itemStart = Math.min(n, start);
      int featureStart = Math.min(f, start);
      int featureEnd = Math.min(f, start + MAX_ITEMS_PER_RECORD);
      out.add(
          ModelDelta.newBuilder()
              .setOrigin(ledger.origin())
              .setGeneration(ledger.generation())
              .setSequence(ledger.nextSequence())
              .setSubtask(subtask)
              .setModelVersion(modelVersion)
              .setDim(delta.dim())
              .setItemIds(Arrays.asList(Arrays.copyOfRange(delta.itemIds(), itemStart, end)))
              .setItemValues(
                  floats(delta.itemValues(), itemStart * stride, (end - itemStart) * stride))
              .setDense(
                  start == 0 && delta.dense() != null
                      ? floats(delta.dense(), 0, delta.dense().length)
                      : null)
              .setEvents(start == 0 ? delta.events() : 0)
              .setPriorOrigin(delta.priorOrigin())
              .setProducedAt(now)
              .setFeatureIds(
                  Arrays.asList(Arrays.copyOfRange(delta.featureIds(), featureStart, featureEnd)))
              .setFeatureValues(
                  floats(
                      delta.featureValues(), featureStart * dim, (featureEnd - featureStart) * dim))
              .build());
    }
    return out;
  }

  /**
   * The delta a record carries.
   *
   * @throws InvalidReplicaDeltaException when its values do not match its items, its feature rows
   *     and its dimension, or a payload is not float32
   */
  public static ReplicaDelta fromRecord(ModelDelta record) {
    return new ReplicaDelta(
        record.getDim(),
        record.getItemIds().toArray(String[]::new),
        floats(record.getItemValues()),
        record.getDense() == null ? null : floats(record.getDense()),
        record.getEvents(),
        record.getPriorOrigin(),
        record.getFeatureIds().toArray(String[]::new),
        floats(record.getFeatureValues()));
  }

  /**
   * A record of the sync topic {@code topic} that was not applied, as a dead letter: keyed and
   * encoded as the sync sink wrote it ({@link ModelDeltaRecordSerializer}), at partition and offset
   * -1 (the trainer sees deltas decoded, without their position; origin and sequence, in the
   * reason, identify one).
   */
  public static DeadLetter deadLetter(
      ModelDelta record, String topic, String reason, long failedAtMillis) {
    return DeadLetter.newBuilder()
        .setSourceTopic(topic)
        .setPartition(-1)
        .setOffset(-1)
        .setKey(ByteBuffer.wrap(ModelDeltaRecordSerializer.key(record)))
        .setValue(ByteBuffer.wrap(Topics.MODEL_SYNC.codec().encode(record)))
        .setReason(reason)
        .setFailedAt(Instant.ofEpochMilli(failedAtMillis))
        .build();
  }

  private static ByteBuffer floats(float[] v, int off, int len) {
    ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v, off, len);
    return b;
  }

  private static float[] floats(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() % 4 != 0) {
      throw new InvalidReplicaDeltaException("float32 payload of " + b.remaining() + " bytes");
    }
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}

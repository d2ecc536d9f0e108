package io.towerstream.jobs.sync;

import io.towerstream.model.ReplicaDelta;
import io.towerstream.schemas.avro.ModelDelta;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Converts between the model's {@link ReplicaDelta} and the {@link ModelDelta} records of the sync
 * topic. A large delta is cut into records of at most {@value #MAX_ITEMS_PER_RECORD} items (about
 * 0.5 MB at dim 64), below Kafka's default 1 MB request size; the dense part and the event count
 * travel in the first record.
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
    int stride = ReplicaDelta.stride(delta.dim());
    int n = delta.items();
    for (int start = 0; start == 0 || start < n; start += MAX_ITEMS_PER_RECORD) {
      int end = Math.min(n, start + MAX_ITEMS_PER_RECORD);
      out.add(
          ModelDelta.newBuilder()
              .setOrigin(ledger.origin())
              .setGeneration(ledger.generation())
              .setSequence(ledger.nextSequence())
              .setSubtask(subtask)
              .setModelVersion(modelVersion)
              .setDim(delta.dim())
              .setItemIds(Arrays.asList(Arrays.copyOfRange(delta.itemIds(), start, end)))
              .setItemValues(floats(delta.itemValues(), start * stride, (end - start) * stride))
              .setDense(
                  start == 0 && delta.dense() != null
                      ? floats(delta.dense(), 0, delta.dense().length)
                      : null)
              .setEvents(start == 0 ? delta.events() : 0)
              .setPriorOrigin(delta.priorOrigin())
              .setProducedAt(now)
              .build());
    }
    return out;
  }

  /**
   * The delta a record carries.
   *
   * @throws IllegalArgumentException when its values do not match its items and dimension
   */
  public static ReplicaDelta fromRecord(ModelDelta record) {
    int dim = record.getDim();
    String[] ids = record.getItemIds().toArray(String[]::new);
    float[] values = floats(record.getItemValues());
    if (values.length != ids.length * ReplicaDelta.stride(dim)) {
      throw new IllegalArgumentException(
          "model delta "
              + record.getOrigin()
              + "/"
              + record.getSequence()
              + " has "
              + values.length
              + " values for "
              + ids.length
              + " items of dim "
              + dim);
    }
    return new ReplicaDelta(
        dim,
        ids,
        values,
        record.getDense() == null ? null : floats(record.getDense()),
        record.getEvents(),
        record.getPriorOrigin());
  }

  private static ByteBuffer floats(float[] v, int off, int len) {
    ByteBuffer b = ByteBuffer.allocate(4 * len).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v, off, len);
    return b;
  }

  private static float[] floats(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (b.remaining() % 4 != 0) {
      throw new IllegalArgumentException("float32 payload of " + b.remaining() + " bytes");
    }
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }
}

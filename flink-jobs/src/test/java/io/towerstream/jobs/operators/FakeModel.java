package io.towerstream.jobs.operators;

import io.towerstream.model.ChangedRowSink;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A stand-in for the two-tower model with observable behaviour: it records every batch, a row's "vector"
 * is {@code [times seen, hash of id]}, and it snapshots all of that so restores can be checked.
 */
final class FakeModel implements OnlineModel {
  final List<List<Interaction>> batches = new ArrayList<>();
  private final Map<String, Integer> users = new TreeMap<>();
  private final Map<String, Integer> items = new TreeMap<>();
  private final Set<String> changedUsers = new TreeSet<>();
  private final Set<String> changedItems = new TreeSet<>();
  private long events;
  private long batchCount;
  private long lastEventTime;
  int restoredFromBatches = -1;

  static final class Factory implements ModelFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public OnlineModel create(ModelConfig config) {
      return new FakeModel();
    }

    @Override
    public OnlineModel restore(byte[] snapshot, ModelConfig config) {
      return FakeModel.restore(snapshot);
    }
  }

  @Override
  public StepResult train(List<Interaction> batch) {
    batches.add(List.copyOf(batch));
    for (Interaction i : batch) {
      users.merge(i.userId(), 1, Integer::sum);
      items.merge(i.itemId(), 1, Integer::sum);
      changedUsers.add(i.userId());
      changedItems.add(i.itemId());
      lastEventTime = Math.max(lastEventTime, i.eventTimeMillis());
    }
    events += batch.size();
    batchCount++;
    return new StepResult(batch.size(), 1.0 / batchCount, false);
  }

  @Override
  public void drainChanged(ChangedRowSink sink) {
    changedUsers.forEach(id -> sink.accept(EntityKind.USER, id, userVector(id), 0f));
    changedItems.forEach(id -> sink.accept(EntityKind.ITEM, id, itemVector(id), itemBias(id)));
    changedUsers.clear();
    changedItems.clear();
  }

  @Override
  public float[] userVector(String userId) {
    Integer n = users.get(userId);
    return n == null ? null : new float[] {n, userId.hashCode()};
  }

  @Override
  public float[] itemVector(String itemId) {
    Integer n = items.get(itemId);
    return n == null ? null : new float[] {n, itemId.hashCode()};
  }

  @Override
  public float[] userVectors(List<String> userIds) {
    float[] out = new float[userIds.size() * 2];
    for (int r = 0; r < userIds.size(); r++) {
      float[] v = userVector(userIds.get(r));
      if (v != null) {
        System.arraycopy(v, 0, out, r * 2, 2);
      }
    }
    return out;
  }

  @Override
  public float[] itemVectors(List<String> itemIds) {
    float[] out = new float[itemIds.size() * 2];
    for (int r = 0; r < itemIds.size(); r++) {
      float[] v = itemVector(itemIds.get(r));
      if (v != null) {
        System.arraycopy(v, 0, out, r * 2, 2);
      }
    }
    return out;
  }

  /** A recognisable bias per item, so tests can see it travel to the published update. */
  @Override
  public float itemBias(String itemId) {
    Integer n = items.get(itemId);
    return n == null ? 0f : n / 10f;
  }

  @Override
  public ModelStats stats() {
    return new ModelStats(events, batchCount, 0, batchCount == 0 ? Double.NaN : 1.0 / batchCount, users.size(),
        items.size(), lastEventTime);
  }

  @Override
  public byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(events);
      out.writeLong(batchCount);
      out.writeLong(lastEventTime);
      out.writeInt(batches.size());
      writeCounts(out, users);
      writeCounts(out, items);
      writeSet(out, changedUsers);
      writeSet(out, changedItems);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static FakeModel restore(byte[] snapshot) {
    FakeModel m = new FakeModel();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
      m.events = in.readLong();
      m.batchCount = in.readLong();
      m.lastEventTime = in.readLong();
      m.restoredFromBatches = in.readInt();
      readCounts(in, m.users);
      readCounts(in, m.items);
      readSet(in, m.changedUsers);
      readSet(in, m.changedItems);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  private static void writeCounts(DataOutputStream out, Map<String, Integer> counts) throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue());
    }
  }

  private static void readCounts(DataInputStream in, Map<String, Integer> counts) throws IOException {
    for (int n = in.readInt(); n > 0; n--) {
      counts.put(in.readUTF(), in.readInt());
    }
  }

  private static void writeSet(DataOutputStream out, Set<String> set) throws IOException {
    out.writeInt(set.size());
    for (String s : set) {
      out.writeUTF(s);
    }
  }

  private static void readSet(DataInputStream in, Set<String> set) throws IOException {
    for (int n = in.readInt(); n > 0; n--) {
      set.add(in.readUTF());
    }
  }
}

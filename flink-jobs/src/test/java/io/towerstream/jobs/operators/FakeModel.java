package io.towerstream.jobs.operators;

import io.towerstream.model.ChangedRowSink;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.model.StepResult;
import io.towerstream.model.UserRow;
import io.towerstream.model.UserRowSink;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A stand-in for the two-tower model with observable behaviour: it records every batch, a row's
 * "vector" is {@code [times seen, hash of id]}, and it snapshots all of that so restores can be
 * checked. User rows are the count (and whether the user awaits publishing); a replica delta
 * carries each item's count change.
 */
final class FakeModel implements OnlineModel {
  final List<List<Interaction>> batches = new ArrayList<>();
  final List<ReplicaDelta> applied = new ArrayList<>();
  private final Map<String, Integer> users = new TreeMap<>();
  private final Map<String, Integer> items = new TreeMap<>();
  private final Set<String> changedUsers = new TreeSet<>();
  private final Set<String> changedItems = new TreeSet<>();
  private final Set<String> dirtyUsers = new TreeSet<>();
  private final Map<String, Integer> itemsAtLastDelta = new TreeMap<>();
  private final List<Set<String>> feeds = new ArrayList<>();
  private boolean tracksUsers;
  private boolean tracksReplica;
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
      dirtyUsers.add(i.userId());
      if (tracksReplica) {
        itemsAtLastDelta.putIfAbsent(i.itemId(), items.getOrDefault(i.itemId(), 0));
      }
      items.merge(i.itemId(), 1, Integer::sum);
      changedUsers.add(i.userId());
      changedItems.add(i.itemId());
      feeds.forEach(f -> f.add(i.itemId()));
      lastEventTime = Math.max(lastEventTime, i.eventTimeMillis());
    }
    events += batch.size();
    batchCount++;
    return new StepResult(batch.size(), 1.0 / batchCount, false);
  }

  @Override
  public void drainChanged(ChangedRowSink sink) {
    drainChanged(sink, id -> true);
  }

  /** Every changed item counts as clicked: the fake has no negatives. */
  @Override
  public void drainChanged(
      ChangedRowSink sink, Predicate<String> publishesItem, boolean clickedItemsOnly) {
    drainChanged(sink, publishesItem);
  }

  @Override
  public void drainChanged(ChangedRowSink sink, Predicate<String> publishesItem) {
    changedUsers.forEach(id -> sink.accept(EntityKind.USER, id, userVector(id), 0f));
    changedItems.stream()
        .filter(publishesItem)
        .forEach(id -> sink.accept(EntityKind.ITEM, id, itemVector(id), itemBias(id)));
    changedUsers.clear();
    changedItems.clear();
  }

  @Override
  public void markAllChanged() {
    changedUsers.addAll(users.keySet());
    changedItems.addAll(items.keySet());
  }

  /** Every item the fake trained or received since the feed's last drain. */
  @Override
  public io.towerstream.model.ItemChangeFeed itemChangeFeed() {
    Set<String> changed = new TreeSet<>(items.keySet());
    feeds.add(changed);
    return (sink, removed) -> {
      changed.forEach(id -> sink.accept(EntityKind.ITEM, id, itemVector(id), itemBias(id)));
      changed.clear();
    };
  }

  /** The fake's feeds start with every item anyway. */
  @Override
  public io.towerstream.model.ItemChangeFeed itemChangeFeedFromAll() {
    return itemChangeFeed();
  }

  @Override
  public void trackUserRows() {
    tracksUsers = true;
  }

  @Override
  public void drainUserRows(UserRowSink sink) {
    if (!tracksUsers) {
      throw new IllegalStateException("user rows are not tracked");
    }
    for (String id : dirtyUsers) {
      sink.changed(
          id,
          ByteBuffer.allocate(5)
              .putInt(users.get(id))
              .put((byte) (changedUsers.contains(id) ? 1 : 0))
              .array());
    }
    dirtyUsers.clear();
  }

  @Override
  public void importUserRows(List<UserRow> rows) {
    for (UserRow r : rows) {
      ByteBuffer b = ByteBuffer.wrap(r.row());
      if (users.put(r.userId(), b.getInt()) != null) {
        throw new IllegalArgumentException("user " + r.userId() + " imported twice");
      }
      if (b.get() == 1) {
        changedUsers.add(r.userId());
      }
    }
  }

  @Override
  public byte[] snapshotWithoutUsers() {
    return snapshot(false);
  }

  @Override
  public void trackReplicaDelta() {
    tracksReplica = true;
  }

  /** Per item its count change (as a dimension-1 "row"), no bias, no prior; no dense part. */
  @Override
  public ReplicaDelta takeReplicaDelta() {
    if (!tracksReplica) {
      throw new IllegalStateException("replica deltas are not tracked");
    }
    List<String> ids = new ArrayList<>();
    List<Float> values = new ArrayList<>();
    itemsAtLastDelta.forEach(
        (id, before) -> {
          ids.add(id);
          values.add((float) (items.getOrDefault(id, 0) - before));
          values.add(0f);
          values.add(Float.NEGATIVE_INFINITY);
        });
    itemsAtLastDelta.clear();
    float[] v = new float[values.size()];
    for (int k = 0; k < v.length; k++) {
      v[k] = values.get(k);
    }
    return new ReplicaDelta(1, ids.toArray(String[]::new), v, null, 0, 0);
  }

  @Override
  public void applyReplicaDelta(ReplicaDelta delta) {
    applied.add(delta);
    for (int k = 0; k < delta.items(); k++) {
      String id = delta.itemIds()[k];
      int change = (int) delta.itemValues()[ReplicaDelta.stride(1) * k];
      items.merge(id, change, Integer::sum);
      if (itemsAtLastDelta.containsKey(id)) {
        itemsAtLastDelta.merge(id, change, Integer::sum);
      }
      changedItems.add(id);
      feeds.forEach(f -> f.add(id));
    }
  }

  @Override
  public List<String> recentItems(String userId, int max) {
    return new java.util.ArrayList<>(); // the fake keeps no history
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

  /** Side features received, per item, in arrival order. */
  final java.util.Map<String, List<String>> itemFeatures = new java.util.LinkedHashMap<>();

  @Override
  public void setItemFeatures(String itemId, List<String> tokens) {
    itemFeatures.put(itemId, List.copyOf(tokens));
  }

  @Override
  public ModelStats stats() {
    return new ModelStats(
        events,
        batchCount,
        0,
        batchCount == 0 ? Double.NaN : 1.0 / batchCount,
        users.size(),
        items.size(),
        lastEventTime);
  }

  @Override
  public byte[] snapshot() {
    return snapshot(true);
  }

  private byte[] snapshot(boolean withUsers) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(events);
      out.writeLong(batchCount);
      out.writeLong(lastEventTime);
      out.writeInt(batches.size());
      writeCounts(out, withUsers ? users : Map.of());
      writeCounts(out, items);
      writeSet(out, withUsers ? changedUsers : Set.of());
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

  private static void writeCounts(DataOutputStream out, Map<String, Integer> counts)
      throws IOException {
    out.writeInt(counts.size());
    for (Map.Entry<String, Integer> e : counts.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeInt(e.getValue());
    }
  }

  private static void readCounts(DataInputStream in, Map<String, Integer> counts)
      throws IOException {
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

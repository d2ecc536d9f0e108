package io.towerstream.store.index;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;
import org.agrona.collections.Object2IntHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of a {@link GraphItemIndex}, run by its {@link MaintenanceThread} only:
 * deciding what to do, merging a chunk of the delta into the growing graph, and rebuilding the
 * graph from scratch (see the index's class comment for the protocol). The slow parts (jvector
 * insertion, the parallel build) run without the lock; only reading the work and publishing the
 * result take it.
 */
final class GraphMaintenance implements MaintenanceThread.Maintained {
  private static final Logger LOG = LoggerFactory.getLogger(GraphMaintenance.class);
  private static final int MERGE_CHUNK = 4096;

  private final GraphIndexState state;
  private final GraphIndexOptions options;
  private final ForkJoinPool buildPool;
  private final BooleanSupplier closed;

  /**
   * @param closed whether the index is closing: long work stops early
   */
  GraphMaintenance(
      GraphIndexState state,
      GraphIndexOptions options,
      ForkJoinPool buildPool,
      BooleanSupplier closed) {
    this.state = state;
    this.options = options;
    this.buildPool = buildPool;
    this.closed = closed;
  }

  @Override
  public void failed() {
    state.building = false;
  }

  @Override
  public MaintenanceThread.Work nextWork() {
    state.lock.readLock().lock();
    try {
      int graphItems = state.graph.size();
      int deltaItems = state.delta.size();
      if (graphItems + deltaItems == 0 || state.paused) {
        return MaintenanceThread.Work.NONE;
      }
      if (state.gen == null) {
        return graphItems + deltaItems >= Math.max(1, options.minGraphItems())
            ? MaintenanceThread.Work.REBUILD
            : MaintenanceThread.Work.NONE;
      }
      if (deltaItems > graphItems && deltaItems >= options.mergeThreshold()) {
        // a parallel build from scratch beats inserting more items than the graph holds
        return MaintenanceThread.Work.REBUILD;
      }
      if (state.graph.staleNodes()
          > options.rebuildStaleRatio() * Math.max(graphItems + deltaItems, MERGE_CHUNK)) {
        return MaintenanceThread.Work.REBUILD;
      }
      boolean idle = System.nanoTime() - state.lastChangeNanos >= options.mergeIdle().toNanos();
      return deltaItems >= options.mergeThreshold() || deltaItems > 0 && idle
          ? MaintenanceThread.Work.MERGE
          : MaintenanceThread.Work.NONE;
    } finally {
      state.lock.readLock().unlock();
    }
  }

  /**
   * Inserts a chunk of the delta into the growing graph, then moves what is still current out of
   * the delta.
   */
  @Override
  public void merge() {
    GraphGeneration g;
    long startEpoch;
    List<ExactItemIndex.Entry> chunk;
    state.lock.readLock().lock();
    try {
      g = state.gen;
      startEpoch = state.epoch;
      chunk = state.delta.entries(MERGE_CHUNK);
    } finally {
      state.lock.readLock().unlock();
    }
    if (g == null || chunk.isEmpty()) {
      return;
    }
    int[] ords = new int[chunk.size()];
    for (int i = 0; i < ords.length && !closed.getAsBoolean(); i++) {
      ords[i] = g.insert(chunk.get(i)); // no lock: jvector inserts concurrently with searches
    }
    if (closed.getAsBoolean()) {
      return;
    }
    state.lock.writeLock().lock();
    try {
      if (state.gen != g || state.epoch != startEpoch) {
        return; // rebuilt or emptied meanwhile: these nodes belong to a discarded graph
      }
      int moved = 0;
      for (int i = 0; i < ords.length; i++) {
        ExactItemIndex.Entry e = chunk.get(i);
        if (state.delta.holds(e.id(), e.unit(), e.modelVersion(), e.bias())
            && !state.graph.contains(e.id())) {
          state.delta.remove(e.id());
          state.graph.attach(e.id(), ords[i], e.modelVersion());
          moved++;
        } else {
          state.graph.addStale(); // changed or removed while we inserted it
        }
      }
      state.merges++;
      LOG.debug("merged {} of {} delta items into the graph", moved, ords.length);
    } finally {
      state.lock.writeLock().unlock();
    }
  }

  /** Builds a new graph from a snapshot of the current vectors and swaps it in. */
  @Override
  public void rebuild() {
    long started = System.nanoTime();
    List<ExactItemIndex.Entry> snapshot = new ArrayList<>();
    long startEpoch;
    int snapshotDim;
    state.lock.writeLock().lock();
    try {
      startEpoch = state.epoch;
      snapshotDim = state.dim;
      GraphGeneration g = state.gen;
      state.graph.forEach(
          (id, ord) ->
              snapshot.add(
                  new ExactItemIndex.Entry(
                      id, g.nodes.unit(ord), g.nodes.modelVersion(ord), g.nodes.bias(ord))));
      snapshot.addAll(state.delta.entries(Integer.MAX_VALUE));
      state.changedDuringRebuild = new HashSet<>();
      state.building = true;
    } finally {
      state.lock.writeLock().unlock();
    }
    GraphGeneration next = null;
    try {
      next = GraphGeneration.build(snapshot, snapshotDim, options, buildPool, closed);
    } finally {
      if (next == null) { // closed meanwhile, or the build failed
        state.lock.writeLock().lock();
        state.changedDuringRebuild = null;
        state.building = false;
        state.lock.writeLock().unlock();
      }
    }
    if (next != null) {
      Object2IntHashMap<String> ordinals = GraphMembership.newOrdinalMap(snapshot.size());
      for (int ord = 0; ord < snapshot.size(); ord++) {
        ordinals.put(snapshot.get(ord).id(), ord);
      }
      swapIn(next, ordinals, startEpoch, started);
    }
  }

  private void swapIn(
      GraphGeneration next, Object2IntHashMap<String> ordinals, long startEpoch, long started) {
    GraphGeneration old;
    state.lock.writeLock().lock();
    try {
      Set<String> changed = state.changedDuringRebuild;
      state.changedDuringRebuild = null;
      state.building = false;
      if (state.epoch != startEpoch) {
        next.close();
        return; // emptied meanwhile
      }
      long stale = 0;
      for (String id : changed) {
        if (ordinals.removeKey(id) >= 0) {
          stale++;
        }
      }
      // the delta keeps only what changed after the snapshot: the rest is in the new graph, as
      // current
      state.delta.retainOnly(changed);
      old = state.gen;
      state.gen = next;
      state.graph = GraphMembership.of(ordinals, next.nodes, stale);
      state.rebuilds++;
      state.lastBuildMillis = (System.nanoTime() - started) / 1_000_000;
      LOG.info(
          "built the item graph: {} items in {} ms ({} changed during the build, now in the delta)",
          ordinals.size(),
          state.lastBuildMillis,
          changed.size());
    } finally {
      state.lock.writeLock().unlock();
    }
    if (old != null) {
      old.close();
    }
  }
}

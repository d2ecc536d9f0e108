package io.towerstream.store.index;

import io.github.jbellis.jvector.util.Bits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Approximate retrieval that tolerates constant churn: a graph over the stable bulk of the items
 * (jvector's, built whole and then frozen into flat arrays), a second, growing jvector graph of the
 * items merged since, and an exact delta ({@link ExactItemIndex}) of the items changed since they
 * were put into either graph; every query searches all three and merges them.
 *
 * <p><b>Never stale.</b> Every present item is in exactly one of the two: either its current vector
 * is a graph node (a valid ordinal of the {@link GraphMembership}), or it is in the delta. An
 * update or removal invalidates the item's node and puts the new vector into the delta, under the
 * write lock; a query holds the read lock across the graph search (which accepts only valid
 * ordinals) and the delta scan. So a query sees each item once, with its current vector, and a
 * graph hit is rescored exactly from that vector (the same float arithmetic as the exact index, so
 * ties and scores agree).
 *
 * <p><b>Maintenance</b> runs on one background thread, off the query path:
 *
 * <ul>
 *   <li><em>merge</em>: once the delta holds {@code mergeThreshold} items (or stopped changing for
 *       {@code mergeIdle}), a chunk of it is inserted into the growing graph with jvector's
 *       concurrent insertion (no lock held; searches go on), then published under the write lock:
 *       each item whose delta vector is still the one inserted moves from the delta to the graph;
 *       one that changed again meanwhile stays in the delta and its new node is just stale. The
 *       cost is per changed item, not per catalog.
 *   <li><em>rebuild</em>: the first graph once the index reaches {@code minGraphItems}, and a fresh
 *       one once stale nodes outnumber live ones by {@code rebuildStaleRatio}: a snapshot of the
 *       current vectors is taken under the lock, a new graph is built from it without the lock
 *       (merges wait; the delta absorbs every change), then swapped in atomically with the delta
 *       reduced to the items changed since the snapshot.
 * </ul>
 *
 * Queries never wait for maintenance except for the write-lock publish steps (microseconds per
 * item).
 *
 * <p>This class is the query and write side. {@link GraphIndexState} holds what it shares, under
 * one lock, with {@link GraphMaintenance} (the merge and rebuild above), which {@link
 * MaintenanceThread} runs in the background; {@link GraphGeneration} is one graph (build, insert,
 * search and rescore), {@link GraphNodes} its vectors and {@link GraphMembership} which items it
 * answers for.
 */
public final class GraphItemIndex implements ItemIndex {
  private final GraphIndexOptions options;
  private final GraphIndexState state = new GraphIndexState();
  private final ReentrantReadWriteLock lock = state.lock;
  private final ExactItemIndex delta = state.delta;
  private final MaintenanceThread maintainer;
  private final ForkJoinPool buildPool;
  private volatile float overquery;

  public GraphItemIndex(GraphIndexOptions options) {
    this.options = options;
    this.overquery = options.overquery();
    this.buildPool = new ForkJoinPool(options.buildThreads());
    this.maintainer =
        new MaintenanceThread(new GraphMaintenance(state, options, buildPool, this::closing));
    this.maintainer.start();
  }

  @Override
  public void upsert(String id, float[] vector, long modelVersion, float bias) {
    update(List.of(), Map.of(id, new ItemVector(vector, modelVersion, bias)));
  }

  @Override
  public boolean remove(String id) {
    lock.writeLock().lock();
    try {
      boolean removed = state.detachFromGraph(id) | delta.remove(id);
      state.afterChange();
      state.lastChangeNanos = System.nanoTime();
      return removed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void update(Collection<String> removes, Map<String, ItemVector> upserts) {
    if (removes.isEmpty() && upserts.isEmpty()) {
      return;
    }
    lock.writeLock().lock();
    try {
      int present = state.size();
      long removed =
          removes.stream()
              .distinct()
              .filter(id -> state.graph.contains(id) || delta.modelVersionOf(id) != null)
              .count();
      int expected = Dimensions.checkBatch(upserts, present - removed == 0, state.dim);
      for (String id : removes) {
        state.detachFromGraph(id);
        delta.remove(id);
      }
      state.afterChange();
      if (!upserts.isEmpty()) {
        state.dim = expected;
        for (Map.Entry<String, ItemVector> e : upserts.entrySet()) {
          state.detachFromGraph(e.getKey());
          delta.upsert(
              e.getKey(), e.getValue().vector(), e.getValue().modelVersion(), e.getValue().bias());
        }
      }
      state.lastChangeNanos = System.nanoTime();
    } finally {
      lock.writeLock().unlock();
    }
    maintainer.wake();
  }

  @Override
  public List<ScoredItem> topK(
      float[] query, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    lock.readLock().lock();
    try {
      if (state.size() == 0) {
        return List.of();
      }
      if (query.length != state.dim) {
        throw new IllegalArgumentException(
            "query has dimension " + query.length + ", items have " + state.dim);
      }
      float[] unit = VectorMath.normalized(query);
      List<ScoredItem> exact = delta.topKUnlocked(unit, k, exclude, modelVersion, scoring);
      if (state.gen == null || state.graph.isEmpty()) {
        return exact;
      }
      List<ScoredItem> merged = new ArrayList<>(exact);
      searchGraph(unit, k, exclude, modelVersion, scoring, merged);
      merged.sort(ScoredItem.BEST_FIRST);
      return List.copyOf(merged.subList(0, Math.min(k, merged.size())));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Adds the graph's best valid nodes, rescored exactly; caller holds the read lock, so the valid
   * set and the nodes' vectors cannot change under the search.
   *
   * <p>Bias: the graph indexes {@code [v, b]} (centred, scaled and norm-equalised, see {@link
   * GraphNodes}) and the query is {@code [u, s, 0]} (or {@code [u, 0, 0]} for the plain dot), so
   * the graph search itself ranks by the score asked for. The alternative, searching by {@code u·v}
   * with a larger beam and rescoring with the bias, loses every item whose bias lifts it into the
   * top k from below the beam, however large the beam; how many depends on the spread of the biases
   * against that of the dot products, which the store does not control. Measured at 100k clustered
   * vectors, biases N(0, 0.3): recall@100 by {@code dot + bias} 0.9945, by the dot alone 0.9999.
   */
  private void searchGraph(
      float[] unit,
      int k,
      Set<String> exclude,
      long modelVersion,
      Scoring scoring,
      List<ScoredItem> out) {
    GraphGeneration g = state.gen;
    BitSet accepted = state.graph.validOrdinals();
    int[] excluded = state.graph.ordinalsOf(exclude);
    boolean anyVersion = modelVersion == ANY_MODEL_VERSION;
    Bits accept =
        ord ->
            accepted.get(ord)
                && (anyVersion || g.nodes.modelVersion(ord) == modelVersion)
                && (excluded.length == 0 || Arrays.binarySearch(excluded, ord) < 0);
    int beam = Math.max(options.minSearchBeam(), (int) Math.ceil(k * (double) overquery));
    g.search(unit, k, beam, accept, scoring, out);
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      return state.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int dimension() {
    lock.readLock().lock();
    try {
      return state.size() == 0 ? 0 : state.dim;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<Long, Long> modelVersions() {
    lock.readLock().lock();
    try {
      Map<Long, Long> counts = new HashMap<>(state.graph.versionCounts());
      delta.modelVersions().forEach((v, n) -> counts.merge(v, n, Long::sum));
      return counts;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public IndexStats stats() {
    lock.readLock().lock();
    try {
      int graphItems = state.graph.size();
      return new IndexStats(
          "graph",
          graphItems + delta.size(),
          graphItems,
          delta.size(),
          state.gen == null ? 0 : state.gen.nodes.size(),
          state.graph.staleNodes(),
          state.rebuilds,
          state.merges,
          state.building,
          state.lastBuildMillis);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Changes the search overquery at run time (a top-k query searches with a beam of {@code
   * max(minSearchBeam, k * overquery)}): higher is better recall and slower queries. For tuning and
   * benchmarks.
   */
  public void setOverquery(float overquery) {
    if (!(overquery >= 1f)) {
      throw new IllegalArgumentException("overquery must be at least 1, got " + overquery);
    }
    this.overquery = overquery;
  }

  /**
   * Holds maintenance back (e.g. while the store loads every item at start, so the first graph is
   * built once over all of them rather than over the first chunk); queries stay exact over the
   * delta meanwhile.
   */
  public void pauseMaintenance() {
    state.paused = true;
  }

  /** Lets maintenance run again after {@link #pauseMaintenance()}. */
  public void resumeMaintenance() {
    state.paused = false;
    maintainer.wake();
  }

  /**
   * Waits until maintenance is idle with an empty delta (every item answered from the graph) or,
   * below {@code minGraphItems}, until there is nothing to do. For tests and benchmarks; returns
   * false on timeout.
   */
  public boolean awaitMaintained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      lock.readLock().lock();
      boolean done;
      try {
        int size = state.size();
        done =
            !state.building
                && (size < options.minGraphItems() && state.gen == null || delta.size() == 0);
      } finally {
        lock.readLock().unlock();
      }
      if (done) {
        return true;
      }
      maintainer.wake();
      Thread.sleep(10);
    }
    return false;
  }

  @Override
  public void close() {
    maintainer.close();
    buildPool.shutdownNow();
  }

  private boolean closing() {
    return maintainer.closed();
  }

  /** The last maintenance failure, or null; for status. */
  public Throwable lastFailure() {
    return maintainer.lastFailure();
  }
}

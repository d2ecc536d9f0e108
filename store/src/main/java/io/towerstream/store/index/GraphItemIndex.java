package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Approximate retrieval that tolerates constant churn: a jvector graph (DiskANN-style, one layer) over the
 * stable bulk of the items, plus an exact delta ({@link ExactItemIndex}) of the items changed since they
 * were put into the graph, merged into every query.
 *
 * <p><b>Never stale.</b> Every present item is in exactly one of the two: either its current vector is a
 * graph node (its ordinal is in {@code graphOrdinal} and {@code valid}), or it is in the delta. An update or
 * removal clears the item's ordinal from {@code valid} and puts the new vector into the delta, under the
 * write lock; a query holds the read lock across the graph search (which accepts only {@code valid}
 * ordinals) and the delta scan. So a query sees each item once, with its current vector, and a graph hit is
 * rescored exactly from that vector (the same float arithmetic as the exact index, so ties and scores agree).
 *
 * <p><b>Maintenance</b> runs on one background thread, off the query path:
 * <ul>
 *   <li><em>merge</em>: once the delta holds {@code mergeThreshold} items (or stopped changing for {@code
 *       mergeIdle}), a chunk of it is inserted into the live graph with jvector's concurrent insertion (no
 *       lock held; searches go on), then published under the write lock: each item whose delta vector is
 *       still the one inserted moves from the delta to the graph; one that changed again meanwhile stays in
 *       the delta and its new node is just stale. The cost is per changed item, not per catalog.
 *   <li><em>rebuild</em>: the first graph once the index reaches {@code minGraphItems}, and a fresh one
 *       once stale nodes outnumber live ones by {@code rebuildStaleRatio}: a snapshot of the current
 *       vectors is taken under the lock, a new graph is built from it without the lock (merges wait; the
 *       delta absorbs every change), then swapped in atomically with the delta reduced to the items changed
 *       since the snapshot.
 * </ul>
 * Queries never wait for maintenance except for the write-lock publish steps (microseconds per item).
 */
public final class GraphItemIndex implements ItemIndex {
  private static final Logger LOG = LoggerFactory.getLogger(GraphItemIndex.class);
  private static final VectorSimilarityFunction SIMILARITY = VectorSimilarityFunction.DOT_PRODUCT;
  private static final int MERGE_CHUNK = 4096;
  private static final int BUILD_CHUNK = 1024;

  private final GraphIndexOptions options;
  // not a StampedLock: with queries back to back its readers overlap and can starve the writer for
  // seconds (measured: updates waited up to 5 s under 2 query threads); here new readers queue behind a
  // waiting writer, so an update waits at most for the queries already running
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ExactItemIndex delta = new ExactItemIndex();
  private final Thread maintainer;
  private final ForkJoinPool buildPool;

  // guarded by lock
  private Generation gen;
  private Map<String, Integer> graphOrdinal = new HashMap<>();
  private BitSet valid = new BitSet();
  private final Map<Long, Long> graphVersionCounts = new HashMap<>();
  private long staleNodes;
  private int dim;
  private long epoch; // bumped when the index empties, so maintenance started before then is discarded
  private Set<String> changedDuringRebuild; // non-null while a full rebuild runs
  private long lastChangeNanos = System.nanoTime();

  private volatile float overquery;
  private volatile boolean closed;
  private volatile boolean paused;
  private volatile boolean building;
  private volatile long rebuilds;
  private volatile long merges;
  private volatile long lastBuildMillis = -1;
  private volatile Throwable lastFailure;

  /** One graph and its nodes; replaced whole by a rebuild. */
  private static final class Generation {
    final GraphNodes nodes;
    final GraphIndexBuilder builder;
    final OnHeapGraphIndex graph;
    final ThreadLocal<GraphSearcher> searchers;

    Generation(GraphNodes nodes, GraphIndexBuilder builder) {
      this.nodes = nodes;
      this.builder = builder;
      this.graph = builder.getGraph();
      this.searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    }
  }

  public GraphItemIndex(GraphIndexOptions options) {
    this.options = options;
    this.overquery = options.overquery();
    this.buildPool = new ForkJoinPool(options.buildThreads());
    this.maintainer = new Thread(this::maintainLoop, "store-index-maintenance");
    this.maintainer.setDaemon(true);
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
      boolean removed = detachFromGraph(id) | delta.remove(id);
      afterChange();
      lastChangeNanos = System.nanoTime();
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
      int present = graphOrdinal.size() + delta.size();
      long removed = removes.stream().distinct().filter(id -> graphOrdinal.containsKey(id) || delta.modelVersionOf(id) != null).count();
      int expected = Dimensions.checkBatch(upserts, present - removed == 0, dim);
      for (String id : removes) {
        detachFromGraph(id);
        delta.remove(id);
      }
      afterChange();
      if (!upserts.isEmpty()) {
        dim = expected;
        for (Map.Entry<String, ItemVector> e : upserts.entrySet()) {
          detachFromGraph(e.getKey());
          delta.upsert(e.getKey(), e.getValue().vector(), e.getValue().modelVersion(), e.getValue().bias());
        }
      }
      lastChangeNanos = System.nanoTime();
    } finally {
      lock.writeLock().unlock();
    }
    LockSupport.unpark(maintainer);
  }

  @Override
  public List<ScoredItem> topK(float[] query, int k, Set<String> exclude, long modelVersion, Scoring scoring) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be at least 1, got " + k);
    }
    lock.readLock().lock();
    try {
      if (graphOrdinal.isEmpty() && delta.size() == 0) {
        return List.of();
      }
      if (query.length != dim) {
        throw new IllegalArgumentException("query has dimension " + query.length + ", items have " + dim);
      }
      float[] unit = VectorMath.normalized(query);
      List<ScoredItem> exact = delta.topKUnlocked(unit, k, exclude, modelVersion, scoring);
      if (gen == null || graphOrdinal.isEmpty()) {
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
   * Adds the graph's best valid nodes, rescored exactly; caller holds the read lock.
   *
   * <p>Bias: the graph indexes {@code [v, b]} (centred, scaled and norm-equalised, see {@link GraphNodes})
   * and the query is {@code [u, 1]} (or {@code [u, 0]} for the plain dot), so the graph search itself ranks by
   * the score asked for. The alternative, searching by {@code u·v} with a larger beam and rescoring with the
   * bias, loses every item whose bias lifts it into the top k from below the beam, however large the beam;
   * how many depends on the spread of the biases against that of the dot products, which the store does not
   * control. Measured at 100k clustered vectors, biases N(0, 0.3): recall@100 by {@code dot + bias} 0.9945,
   * by the dot alone 0.9999.
   * Exactness is untouched: every hit is rescored from the node's current unit vector and bias.
   */
  private void searchGraph(float[] unit, int k, Set<String> exclude, long modelVersion, Scoring scoring,
      List<ScoredItem> out) {
    Generation g = gen;
    BitSet accepted = valid;
    int[] excluded = excludedOrdinals(exclude);
    boolean anyVersion = modelVersion == ANY_MODEL_VERSION;
    Bits accept = ord -> accepted.get(ord) && (anyVersion || g.nodes.modelVersion(ord) == modelVersion)
        && (excluded.length == 0 || Arrays.binarySearch(excluded, ord) < 0);
    SearchScoreProvider ssp = SearchScoreProvider.exact(g.nodes.query(unit, scoring), SIMILARITY, g.nodes);
    int beam = Math.max(options.minSearchBeam(), (int) Math.ceil(k * (double) overquery));
    // no threshold: with a bias, jvector's dot-product similarity (1 + u·v + b) / 2 can be negative, and a
    // threshold of 0 would silently drop those nodes
    SearchResult result = g.searchers.get().search(ssp, k, beam, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY,
        accept);
    for (SearchResult.NodeScore node : result.getNodes()) {
      float bias = g.nodes.bias(node.node);
      float score = scoring.score(VectorMath.dot(unit, g.nodes.unit(node.node)), bias);
      out.add(new ScoredItem(g.nodes.id(node.node), score, bias));
    }
  }

  private int[] excludedOrdinals(Set<String> exclude) {
    if (exclude == null || exclude.isEmpty()) {
      return new int[0];
    }
    int[] ords = exclude.stream().map(graphOrdinal::get).filter(o -> o != null).mapToInt(Integer::intValue).toArray();
    Arrays.sort(ords);
    return ords;
  }

  @Override
  public int size() {
    lock.readLock().lock();
    try {
      return graphOrdinal.size() + delta.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public int dimension() {
    lock.readLock().lock();
    try {
      return graphOrdinal.isEmpty() && delta.size() == 0 ? 0 : dim;
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<Long, Long> modelVersions() {
    lock.readLock().lock();
    try {
      Map<Long, Long> counts = new HashMap<>(graphVersionCounts);
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
      int graphItems = graphOrdinal.size();
      return new IndexStats("graph", graphItems + delta.size(), graphItems, delta.size(),
          gen == null ? 0 : gen.nodes.size(), staleNodes, rebuilds, merges, building, lastBuildMillis);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Changes the search overquery at run time (a top-k query searches with a beam of {@code max(minSearchBeam,
   * k * overquery)}): higher is better recall and slower queries. For tuning and benchmarks.
   */
  public void setOverquery(float overquery) {
    if (!(overquery >= 1f)) {
      throw new IllegalArgumentException("overquery must be at least 1, got " + overquery);
    }
    this.overquery = overquery;
  }

  /**
   * Holds maintenance back (e.g. while the store loads every item at start, so the first graph is built once
   * over all of them rather than over the first chunk); queries stay exact over the delta meanwhile.
   */
  public void pauseMaintenance() {
    paused = true;
  }

  /** Lets maintenance run again after {@link #pauseMaintenance()}. */
  public void resumeMaintenance() {
    paused = false;
    LockSupport.unpark(maintainer);
  }

  /**
   * Waits until maintenance is idle with an empty delta (every item answered from the graph) or, below
   * {@code minGraphItems}, until there is nothing to do. For tests and benchmarks; returns false on timeout.
   */
  public boolean awaitMaintained(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      lock.readLock().lock();
      boolean done;
      try {
        int size = graphOrdinal.size() + delta.size();
        done = !building && (size < options.minGraphItems() && gen == null || delta.size() == 0);
      } finally {
        lock.readLock().unlock();
      }
      if (done) {
        return true;
      }
      LockSupport.unpark(maintainer);
      Thread.sleep(10);
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(maintainer);
    try {
      maintainer.join(60_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    buildPool.shutdownNow();
  }

  // ---------------------------------------------------------------- writes (caller holds the write lock)

  /** Clears the item's graph node from the accepted set, if it has one; returns whether it had. */
  private boolean detachFromGraph(String id) {
    Integer ord = graphOrdinal.remove(id);
    if (changedDuringRebuild != null) {
      changedDuringRebuild.add(id);
    }
    if (ord == null) {
      return false;
    }
    valid.clear(ord);
    staleNodes++;
    graphVersionCounts.merge(gen.nodes.modelVersion(ord), -1L, (a, b) -> a + b == 0 ? null : a + b);
    return true;
  }

  /** After removals: an emptied index forgets its graph and dimension (a new model generation may follow). */
  private void afterChange() {
    if (graphOrdinal.isEmpty() && delta.size() == 0) {
      gen = null;
      valid = new BitSet();
      graphVersionCounts.clear();
      staleNodes = 0;
      dim = 0;
      epoch++;
    }
  }

  // ---------------------------------------------------------------- maintenance (the maintainer thread)

  private enum Work { NONE, MERGE, REBUILD }

  private void maintainLoop() {
    while (!closed) {
      try {
        switch (nextWork()) {
          case REBUILD -> rebuild();
          case MERGE -> merge();
          case NONE -> LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
        }
      } catch (RuntimeException | Error e) {
        // the index stays correct (the delta answers exactly); log, back off, try again
        lastFailure = e;
        building = false;
        LOG.error("index maintenance failed; queries stay exact over the delta, retrying in 5 s", e);
        LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(5));
      }
    }
  }

  private Work nextWork() {
    lock.readLock().lock();
    try {
      int graphItems = graphOrdinal.size();
      int deltaItems = delta.size();
      if (graphItems + deltaItems == 0) {
        return Work.NONE;
      }
      if (paused) {
        return Work.NONE;
      }
      if (gen == null) {
        return graphItems + deltaItems >= Math.max(1, options.minGraphItems()) ? Work.REBUILD : Work.NONE;
      }
      if (paused) {
        return Work.NONE;
      }
      if (deltaItems > graphItems && deltaItems >= options.mergeThreshold()) {
        return Work.REBUILD; // a parallel build from scratch beats inserting more than the graph holds
      }
      if (staleNodes > options.rebuildStaleRatio() * Math.max(graphItems + deltaItems, MERGE_CHUNK)) {
        return Work.REBUILD;
      }
      boolean idle = System.nanoTime() - lastChangeNanos >= options.mergeIdle().toNanos();
      return deltaItems >= options.mergeThreshold() || deltaItems > 0 && idle ? Work.MERGE : Work.NONE;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Inserts a chunk of the delta into the live graph, then moves what is still current out of the delta. */
  private void merge() {
    Generation g;
    long startEpoch;
    List<ExactItemIndex.Entry> chunk;
    lock.readLock().lock();
    try {
      g = gen;
      startEpoch = epoch;
      chunk = delta.entries(MERGE_CHUNK);
    } finally {
      lock.readLock().unlock();
    }
    if (g == null || chunk.isEmpty()) {
      return;
    }
    int[] ords = new int[chunk.size()];
    for (int i = 0; i < ords.length && !closed; i++) {
      ExactItemIndex.Entry e = chunk.get(i);
      ords[i] = g.nodes.append(e.id(), e.unit(), e.modelVersion(), e.bias());
      g.builder.addGraphNode(ords[i], g.nodes.getVector(ords[i]));
    }
    if (closed) {
      return;
    }
    lock.writeLock().lock();
    try {
      if (gen != g || epoch != startEpoch) {
        return; // rebuilt or emptied meanwhile: these nodes belong to a discarded graph
      }
      int moved = 0;
      for (int i = 0; i < ords.length; i++) {
        ExactItemIndex.Entry e = chunk.get(i);
        if (delta.holds(e.id(), e.unit(), e.modelVersion(), e.bias()) && !graphOrdinal.containsKey(e.id())) {
          delta.remove(e.id());
          graphOrdinal.put(e.id(), ords[i]);
          valid.set(ords[i]);
          graphVersionCounts.merge(e.modelVersion(), 1L, Long::sum);
          moved++;
        } else {
          staleNodes++; // changed or removed while we inserted it
        }
      }
      merges++;
      LOG.debug("merged {} of {} delta items into the graph", moved, ords.length);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Builds a new graph from a snapshot of the current vectors and swaps it in. */
  private void rebuild() {
    long started = System.nanoTime();
    List<String> ids = new ArrayList<>();
    List<float[]> units = new ArrayList<>();
    List<Long> versions = new ArrayList<>();
    List<Float> biases = new ArrayList<>();
    long startEpoch;
    int snapshotDim;
    lock.writeLock().lock();
    try {
      startEpoch = epoch;
      snapshotDim = dim;
      Generation g = gen;
      graphOrdinal.forEach((id, ord) -> {
        ids.add(id);
        units.add(g.nodes.unit(ord));
        versions.add(g.nodes.modelVersion(ord));
        biases.add(g.nodes.bias(ord));
      });
      for (ExactItemIndex.Entry e : delta.entries(Integer.MAX_VALUE)) {
        ids.add(e.id());
        units.add(e.unit());
        versions.add(e.modelVersion());
        biases.add(e.bias());
      }
      changedDuringRebuild = new HashSet<>();
      building = true;
    } finally {
      lock.writeLock().unlock();
    }
    Generation next = null;
    Map<String, Integer> ordinals = new HashMap<>(ids.size() * 2);
    try {
      GraphNodes nodes = GraphNodes.forBiases(snapshotDim, biases);
      for (int i = 0; i < ids.size(); i++) {
        ordinals.put(ids.get(i), nodes.append(ids.get(i), units.get(i), versions.get(i), biases.get(i)));
      }
      GraphIndexBuilder builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(nodes, SIMILARITY),
          nodes.dimension(), options.maxDegree(), options.constructionBeam(), options.neighborOverflow(), options.alpha(),
          buildPool, buildPool);
      for (int from = 0; from < nodes.size() && !closed; from += BUILD_CHUNK) {
        int lower = from;
        int upper = Math.min(nodes.size(), from + BUILD_CHUNK);
        buildPool.submit(() -> IntStream.range(lower, upper).parallel()
            .forEach(ord -> builder.addGraphNode(ord, nodes.getVector(ord)))).join();
      }
      if (closed) {
        return;
      }
      builder.cleanup();
      next = new Generation(nodes, builder);
    } finally {
      if (closed || next == null) {
        lock.writeLock().lock();
        changedDuringRebuild = null;
        building = false;
        lock.writeLock().unlock();
      }
    }
    swapIn(next, ordinals, startEpoch, started);
  }

  private void swapIn(Generation next, Map<String, Integer> ordinals, long startEpoch, long started) {
    Generation old;
    lock.writeLock().lock();
    try {
      Set<String> changed = changedDuringRebuild;
      changedDuringRebuild = null;
      building = false;
      if (epoch != startEpoch) {
        return; // emptied meanwhile
      }
      long stale = 0;
      for (String id : changed) {
        if (ordinals.remove(id) != null) {
          stale++;
        }
      }
      BitSet nextValid = new BitSet(next.nodes.size());
      Map<Long, Long> counts = new HashMap<>();
      ordinals.values().forEach(ord -> {
        nextValid.set(ord);
        counts.merge(next.nodes.modelVersion(ord), 1L, Long::sum);
      });
      // the delta keeps only what changed after the snapshot: the rest is in the new graph, as current
      delta.retainOnly(changed);
      old = gen;
      gen = next;
      graphOrdinal = ordinals;
      valid = nextValid;
      graphVersionCounts.clear();
      graphVersionCounts.putAll(counts);
      staleNodes = stale;
      rebuilds++;
      lastBuildMillis = (System.nanoTime() - started) / 1_000_000;
      LOG.info("built the item graph: {} items in {} ms ({} changed during the build, now in the delta)",
          ordinals.size(), lastBuildMillis, changed.size());
    } finally {
      lock.writeLock().unlock();
    }
    closeQuietly(old);
  }

  private static void closeQuietly(Generation g) {
    if (g != null) {
      try {
        g.builder.close();
      } catch (IOException e) {
        LOG.warn("closing an old graph builder failed: {}", e.toString());
      }
    }
  }

  /** The last maintenance failure, or null; for status. */
  public Throwable lastFailure() {
    return lastFailure;
  }
}

package io.towerstream.store.index;

import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * What {@link GraphItemIndex}'s query and write side and its {@link GraphMaintenance} share: the
 * lock, the exact delta, the current graph generation and its membership. Every field without
 * {@code volatile} is guarded by {@link #lock}; the two write helpers expect the caller to hold the
 * write lock.
 */
final class GraphIndexState {
  // not a StampedLock: with queries back to back its readers overlap and can starve the writer for
  // seconds (measured: updates waited up to 5 s under 2 query threads); here new readers queue
  // behind a waiting writer, so an update waits at most for the queries already running
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  final ExactItemIndex delta = new ExactItemIndex();

  GraphGeneration gen;
  GraphMembership graph = new GraphMembership();
  int dim;
  long epoch; // bumped when the index empties, so maintenance started before then is discarded
  Set<String> changedDuringRebuild; // non-null while a full rebuild runs
  long lastChangeNanos = System.nanoTime();

  volatile boolean paused;
  volatile boolean building;
  volatile long rebuilds;
  volatile long merges;
  volatile long lastBuildMillis = -1;

  /** Present items: in the graph or in the delta. */
  int size() {
    return graph.size() + delta.size();
  }

  /** Clears the item's graph node from the accepted set, if it has one; returns whether it had. */
  boolean detachFromGraph(String id) {
    if (changedDuringRebuild != null) {
      changedDuringRebuild.add(id);
    }
    return gen != null && graph.detach(id, gen.nodes);
  }

  /**
   * After removals: an emptied index forgets its graph and dimension (a new model generation may
   * follow).
   */
  void afterChange() {
    if (size() == 0) {
      gen = null;
      graph = new GraphMembership();
      dim = 0;
      epoch++;
    }
  }
}

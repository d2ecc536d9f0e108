package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodeQueue;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.util.BoundedLongHeap;
import io.github.jbellis.jvector.util.GrowableLongHeap;
import org.agrona.collections.IntHashSet;

/**
 * A graph search for the accepted nodes that score at least a floor: the search of the graph of
 * recently merged nodes, when the frozen bulk has already given {@code k} results and only a node
 * at least as good as the k-th of them can change the answer.
 *
 * <p>It is HNSW's search (greedy descent through the upper layers, then a best-first search of
 * layer 0 with a beam of {@code beam} nodes) with one more stopping rule: once the beam is full,
 * the search ends as soon as its best unexpanded candidate scores below the floor. While the beam
 * fills, it walks freely, so it can cross a few weaker nodes to reach good ones, as the plain
 * search does. Most queries have no merged node above the floor near them: the search then stops
 * after a handful of expansions instead of running the whole beam, which is what makes searching a
 * second graph affordable. jvector's own threshold search stops on a statistical rule over the
 * recent scores instead, which in this use ran about as long as the plain search.
 *
 * <p>Not thread-safe: one search at a time per instance (its scratch is reused).
 */
final class FloorSearch {
  private final NodeQueue candidates =
      new NodeQueue(new GrowableLongHeap(256), NodeQueue.Order.MAX_HEAP);
  private final NodeQueue beamNodes =
      new NodeQueue(new BoundedLongHeap(64), NodeQueue.Order.MIN_HEAP);
  private final NodeQueue results =
      new NodeQueue(new BoundedLongHeap(64), NodeQueue.Order.MIN_HEAP);
  private final IntHashSet visited = new IntHashSet();

  /**
   * The best (at most {@code k}) nodes of {@code view} that {@code accept} passes and that score at
   * least {@code floor} by {@code score}, found with a beam of {@code beam}; in no particular
   * order. Mutates only this searcher's scratch.
   */
  int[] search(
      ImmutableGraphIndex.View view,
      ScoreFunction score,
      Bits accept,
      float floor,
      int k,
      int beam) {
    ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
    if (entry == null) {
      return new int[0];
    }
    int node = entry.node;
    float best = score.similarityTo(node);
    for (int level = entry.level; level > 0; level--) {
      boolean moved = true;
      while (moved) {
        moved = false;
        for (NodesIterator it = view.getNeighborsIterator(level, node); it.hasNext(); ) {
          int next = it.nextInt();
          float s = score.similarityTo(next);
          if (s > best) {
            best = s;
            node = next;
            moved = true;
          }
        }
      }
    }
    candidates.clear();
    beamNodes.clear();
    beamNodes.setMaxSize(beam);
    results.clear();
    results.setMaxSize(k);
    visited.clear();
    visited.add(node);
    visit(node, best, accept, floor);
    while (candidates.size() > 0) {
      float top = candidates.topScore();
      if (beamNodes.size() >= beam && (top < beamNodes.topScore() || top < floor)) {
        break;
      }
      int expanded = candidates.pop();
      for (NodesIterator it = view.getNeighborsIterator(0, expanded); it.hasNext(); ) {
        int next = it.nextInt();
        if (visited.add(next)) {
          visit(next, score.similarityTo(next), accept, floor);
        }
      }
    }
    return results.nodesCopy();
  }

  private void visit(int node, float s, Bits accept, float floor) {
    if (beamNodes.push(node, s)) {
      candidates.push(node, s);
    }
    if (s >= floor && accept.get(node)) {
      results.push(node, s);
    }
  }
}

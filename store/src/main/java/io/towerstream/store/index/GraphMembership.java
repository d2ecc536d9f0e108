package io.towerstream.store.index;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.agrona.collections.ObjIntConsumer;
import org.agrona.collections.Object2IntHashMap;

/**
 * Which items a graph generation answers for: item id → the ordinal of its current node, the set of
 * valid ordinals the search accepts, the model-version counts of those items, and how many nodes
 * went stale (an item changed or removed since its node was added; never returned, still
 * navigable). An item not here is in the delta or absent.
 *
 * <p>Not thread-safe: {@link GraphItemIndex} guards it with its lock; {@link #validOrdinals()} is
 * read by searches under the read lock.
 */
final class GraphMembership {
  /**
   * Missing: -1. Open addressing over two arrays, about a third of a HashMap's memory by layout
   * (~17 against ~56 bytes an item).
   */
  private final Object2IntHashMap<String> ordinals;

  private final BitSet valid;
  private final Map<Long, Long> versionCounts = new HashMap<>();
  private long staleNodes;

  /** No items. */
  GraphMembership() {
    this(newOrdinalMap(16), new BitSet(), 0);
  }

  /** An empty id → ordinal map for about {@code expected} items, as {@link #of} takes it. */
  static Object2IntHashMap<String> newOrdinalMap(int expected) {
    return new Object2IntHashMap<>(Math.max(16, expected), 0.65f, -1);
  }

  private GraphMembership(Object2IntHashMap<String> ordinals, BitSet valid, long staleNodes) {
    this.ordinals = ordinals;
    this.valid = valid;
    this.staleNodes = staleNodes;
  }

  /**
   * A generation's membership after a rebuild: every node of {@code ordinals} valid; takes the map
   * over.
   */
  static GraphMembership of(Object2IntHashMap<String> ordinals, GraphNodes nodes, long staleNodes) {
    GraphMembership m = new GraphMembership(ordinals, new BitSet(nodes.size()), staleNodes);
    ordinals.forEachInt(
        (id, ord) -> {
          m.valid.set(ord);
          m.versionCounts.merge(nodes.modelVersion(ord), 1L, Long::sum);
        });
    return m;
  }

  int size() {
    return ordinals.size();
  }

  boolean isEmpty() {
    return ordinals.isEmpty();
  }

  boolean contains(String id) {
    return ordinals.containsKey(id);
  }

  /** Calls {@code action} with each current item and its ordinal. */
  void forEach(ObjIntConsumer<String> action) {
    ordinals.forEachInt(action);
  }

  /** Makes {@code ord} the item's current node. */
  void attach(String id, int ord, long modelVersion) {
    ordinals.put(id, ord);
    valid.set(ord);
    versionCounts.merge(modelVersion, 1L, Long::sum);
  }

  /** Invalidates the item's node, if it has one, making it stale; returns whether it had. */
  boolean detach(String id, GraphNodes nodes) {
    int ord = ordinals.removeKey(id);
    if (ord < 0) {
      return false;
    }
    valid.clear(ord);
    staleNodes++;
    ExactItemIndex.decrement(versionCounts, nodes.modelVersion(ord));
    return true;
  }

  /** Counts a node that was inserted but is not current (its item changed again meanwhile). */
  void addStale() {
    staleNodes++;
  }

  long staleNodes() {
    return staleNodes;
  }

  /** The ordinals a search may return (live view, read under the read lock). */
  BitSet validOrdinals() {
    return valid;
  }

  Map<Long, Long> versionCounts() {
    return versionCounts;
  }

  /** The sorted ordinals of the excluded ids that have one. */
  int[] ordinalsOf(Set<String> ids) {
    return ExactItemIndex.sortedPositions(ids, ordinals);
  }
}

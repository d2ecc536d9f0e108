package io.towerstream.store.index;

/**
 * What an item index holds and how its maintenance goes; the exact index reports only {@code
 * items}.
 *
 * @param kind {@code exact} or {@code graph}
 * @param items items that queries can return
 * @param graphItems items answered from the graph (their current vector is a graph node)
 * @param deltaItems items answered exactly from the delta (changed since they were merged into the
 *     graph, or never merged)
 * @param graphNodes nodes in the graph, including {@code staleNodes}
 * @param staleNodes graph nodes holding an old vector of a changed or removed item (never returned;
 *     they are dropped by the next rebuild)
 * @param rebuilds completed full graph builds since start
 * @param merges completed merges of the delta into the graph since start
 * @param building whether a full graph build is running now
 * @param lastBuildMillis how long the last full build took, -1 before the first
 */
public record IndexStats(
    String kind,
    long items,
    long graphItems,
    long deltaItems,
    long graphNodes,
    long staleNodes,
    long rebuilds,
    long merges,
    boolean building,
    long lastBuildMillis) {

  static IndexStats exact(long items) {
    return new IndexStats("exact", items, 0, items, 0, 0, 0, 0, false, -1);
  }
}

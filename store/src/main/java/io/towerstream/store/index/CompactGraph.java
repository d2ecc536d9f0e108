package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import java.util.Arrays;
import java.util.List;

/**
 * A finished jvector graph frozen into flat arrays: per layer, each node's neighbour list is a
 * slice of one {@code int[]}, found through an offsets array (compressed sparse rows), in jvector's
 * order (best first). Searched by jvector's own {@code GraphSearcher} through the {@link
 * ImmutableGraphIndex} interface; never changed.
 *
 * <p>Why: jvector's mutable graph keeps, per node and layer, an object with an {@code int[]} of
 * neighbours and a {@code float[]} of their scores, both sized for the overflow allowed while
 * building (39 slots at M 32): about 390 bytes a node, the largest part of the store's heap at a
 * million items. The scores only serve later insertions; a frozen graph needs 4 bytes a link and 4
 * a node, and a search reads one array instead of a map entry, an object and its array per node.
 *
 * <p>Layer 0 holds every ordinal below {@link #getIdUpperBound()}; the upper layers (the hierarchy)
 * hold a sorted sample of them, looked up by binary search (a few hops a query).
 *
 * <p>Thread safety: immutable once built; one shared view serves every searcher.
 */
final class CompactGraph implements ImmutableGraphIndex {
  private final Layer[] layers;
  private final List<Integer> maxDegrees;
  private final int dimension;
  private final NodeAtLevel entry;
  private final View view = new FrozenView();

  /**
   * One layer: {@code nodes} (null on layer 0, where node i is row i) sorted, and the neighbours of
   * row r at {@code neighbors[offsets[r]..offsets[r + 1])}.
   */
  private record Layer(int[] nodes, int[] offsets, int[] neighbors) {
    int rows() {
      return offsets.length - 1;
    }

    /** The row of {@code node}, or -1 when the node is not on this layer. */
    int row(int node) {
      if (nodes == null) {
        return node >= 0 && node < rows() ? node : -1;
      }
      int r = Arrays.binarySearch(nodes, node);
      return r >= 0 ? r : -1;
    }
  }

  private CompactGraph(Layer[] layers, List<Integer> maxDegrees, int dimension, NodeAtLevel entry) {
    this.layers = layers;
    this.maxDegrees = maxDegrees;
    this.dimension = dimension;
    this.entry = entry;
  }

  /**
   * A frozen copy of {@code graph}, whose layer 0 must hold every ordinal below its id upper bound
   * (a graph built whole from a snapshot). Does not change {@code graph}.
   */
  static CompactGraph copyOf(ImmutableGraphIndex graph) throws java.io.IOException {
    try (View source = graph.getView()) {
      int n = graph.getIdUpperBound();
      Layer[] layers = new Layer[graph.getMaxLevel() + 1];
      layers[0] = copyLayer(source, 0, null, n);
      for (int level = 1; level < layers.length; level++) {
        int[] nodes = toSortedArray(graph.getNodes(level));
        layers[level] = copyLayer(source, level, nodes, nodes.length);
      }
      return new CompactGraph(
          layers, List.copyOf(graph.maxDegrees()), graph.getDimension(), source.entryNode());
    }
  }

  private static Layer copyLayer(View source, int level, int[] nodes, int rows) {
    int[] offsets = new int[rows + 1];
    for (int r = 0; r < rows; r++) {
      offsets[r + 1] = offsets[r] + source.getNeighborsIterator(level, node(nodes, r)).size();
    }
    int[] neighbors = new int[offsets[rows]];
    for (int r = 0; r < rows; r++) {
      NodesIterator it = source.getNeighborsIterator(level, node(nodes, r));
      for (int at = offsets[r]; at < offsets[r + 1]; at++) {
        neighbors[at] = it.nextInt();
      }
    }
    return new Layer(nodes, offsets, neighbors);
  }

  private static int node(int[] nodes, int row) {
    return nodes == null ? row : nodes[row];
  }

  private static int[] toSortedArray(NodesIterator it) {
    int[] nodes = new int[it.size()];
    int i = 0;
    while (it.hasNext()) {
      nodes[i++] = it.nextInt();
    }
    int[] out = i == nodes.length ? nodes : Arrays.copyOf(nodes, i);
    Arrays.sort(out);
    return out;
  }

  @Override
  public int size(int level) {
    return level < layers.length ? layers[level].rows() : 0;
  }

  @Override
  public NodesIterator getNodes(int level) {
    if (level >= layers.length) {
      return NodesIterator.EMPTY_NODE_ITERATOR;
    }
    Layer layer = layers[level];
    return layer.nodes == null
        ? new Slice(null, 0, layer.rows())
        : new Slice(layer.nodes, 0, layer.nodes.length);
  }

  @Override
  public View getView() {
    return view;
  }

  @Override
  public int maxDegree() {
    return maxDegrees.stream().mapToInt(Integer::intValue).max().orElse(0);
  }

  @Override
  public List<Integer> maxDegrees() {
    return maxDegrees;
  }

  @Override
  public int getDimension() {
    return dimension;
  }

  @Override
  public int getIdUpperBound() {
    return layers[0].rows();
  }

  @Override
  public boolean containsNode(int nodeId) {
    return nodeId >= 0 && nodeId < getIdUpperBound();
  }

  @Override
  public void close() {
    // nothing to release: plain arrays
  }

  @Override
  public boolean isHierarchical() {
    return layers.length > 1;
  }

  @Override
  public int getMaxLevel() {
    return layers.length - 1;
  }

  @Override
  public int getDegree(int level) {
    return level < maxDegrees.size() ? maxDegrees.get(level) : maxDegrees.get(0);
  }

  @Override
  public double getAverageDegree(int level) {
    if (level >= layers.length || layers[level].rows() == 0) {
      return 0;
    }
    return layers[level].neighbors.length / (double) layers[level].rows();
  }

  @Override
  public long ramBytesUsed() {
    long bytes = 0;
    for (Layer layer : layers) {
      bytes += 4L * (layer.offsets.length + layer.neighbors.length);
      bytes += layer.nodes == null ? 0 : 4L * layer.nodes.length;
    }
    return bytes;
  }

  /** A run of ints: {@code values[from..to)}, or the numbers themselves when values is null. */
  private static final class Slice implements NodesIterator {
    private final int[] values;
    private final int to;
    private int next;

    Slice(int[] values, int from, int to) {
      this.values = values;
      this.next = from;
      this.to = to;
    }

    @Override
    public int size() {
      return to - next;
    }

    @Override
    public boolean hasNext() {
      return next < to;
    }

    @Override
    public int nextInt() {
      int at = next++;
      return values == null ? at : values[at];
    }
  }

  /** The one view: stateless, so every searcher shares it. */
  private final class FrozenView implements View {
    @Override
    public NodesIterator getNeighborsIterator(int level, int node) {
      if (level >= layers.length) {
        return NodesIterator.EMPTY_NODE_ITERATOR;
      }
      Layer layer = layers[level];
      int r = layer.row(node);
      return r < 0
          ? NodesIterator.EMPTY_NODE_ITERATOR
          : new Slice(layer.neighbors, layer.offsets[r], layer.offsets[r + 1]);
    }

    /** The search's inner loop: reads the neighbour slice directly, with no iterator. */
    @Override
    public void processNeighbors(
        int level,
        int node,
        ScoreFunction scoreFunction,
        IntMarker visited,
        NeighborProcessor neighborProcessor) {
      if (level >= layers.length) {
        return;
      }
      Layer layer = layers[level];
      int r = layer.row(node);
      if (r < 0) {
        return;
      }
      int[] neighbors = layer.neighbors;
      for (int at = layer.offsets[r], end = layer.offsets[r + 1]; at < end; at++) {
        int friend = neighbors[at];
        if (visited.mark(friend)) {
          neighborProcessor.process(friend, scoreFunction.similarityTo(friend));
        }
      }
    }

    @Override
    public int size() {
      return getIdUpperBound();
    }

    @Override
    public NodeAtLevel entryNode() {
      return entry;
    }

    @Override
    public Bits liveNodes() {
      return Bits.ALL;
    }

    @Override
    public int getIdUpperBound() {
      return CompactGraph.this.getIdUpperBound();
    }

    @Override
    public boolean contains(int level, int node) {
      return level < layers.length && layers[level].row(node) >= 0;
    }

    @Override
    public void close() {
      // shared and stateless
    }
  }
}

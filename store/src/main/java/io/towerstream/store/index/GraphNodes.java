package io.towerstream.store.index;

import java.util.Arrays;
import java.util.List;

/**
 * The nodes of one graph generation, by ordinal: the item id, its unit vector {@code v}, its bias
 * {@code b} and its model version. Scores are rescored from {@code v} and {@code b} as given;
 * jvector sees the vector {@code [v, b', t]}, two dimensions longer, with {@code b' = (b - c) / s}
 * and {@code t = sqrt(N - 1 - b'²)}, where {@code c} is the mean and {@code s} the standard
 * deviation (at least 1) of the generation's biases and {@code N = 1 + max b'²}. A query {@code [u,
 * s, 0]} then scores {@code u·v + b - c}, which ranks as {@code u·v + b} (a constant shift of every
 * bias changes no ranking), and a query {@code [u, 0, 0]} scores {@code u·v}: one graph answers
 * both scorings.
 *
 * <p>Why {@code t}: it gives every indexed vector the same norm {@code sqrt(N)}, the standard
 * reduction of maximum-inner-product search to nearest-neighbour search (Bachrach et al., 2014).
 * The graph is built by the similarity of indexed vectors; with equal norms that is angular
 * closeness, what graph search is good at. Without it, items with a large bias have large norms and
 * become everyone's neighbours. Measured at 100k clustered vectors, d=64, biases N(0, 0.3), k=100,
 * overquery 3 (store README): recall@100 by {@code dot + bias} 0.9945 with {@code t}, 0.948
 * without; by the dot alone 0.9999 and 0.9992. In {@code GraphItemIndexTest}'s harder setting
 * (tight clusters whose dot products spread ten times less than the biases) recall@10 was 1.0 /
 * 0.995 (biased / dot) with {@code t} and 0.60 / 0.84 without; with biases as narrow as the dot
 * products there, {@code t} did worse (0.79 / 0.92 against 0.90 / 0.97): it then perturbs the
 * angles by about as much as it helps. Why {@code c}: a shared offset of the biases (say all near
 * -3) would otherwise dominate every similarity. Why {@code s}: the bias term stays of the order of
 * the dot products however wide the biases spread.
 *
 * <p><b>Layout.</b> The indexed vectors lie one after another in a few large arrays (chunks of
 * {@value #CHUNK} nodes), and the unit vector {@code v} is their first {@code d} floats, so a
 * node's vector is one contiguous read: a graph search at a million items is bound by memory
 * latency, and one object per node (with its own header and pointer to chase) costs a cache miss
 * and ~50 bytes more per node than a slice of a shared array. jvector reads them in place through
 * {@link NodeScoreProvider}.
 *
 * <p>Append-only: a changed item gets a new ordinal, and its old one stays (never returned) until
 * the next full rebuild.
 *
 * <p>One thread appends; any thread reads. jvector's concurrent insertion may show a searcher an
 * ordinal before it is published to queries; its vector is written before {@code addGraphNode}
 * links it, and jvector publishes the links through concurrent structures, so a searcher that sees
 * the link sees the vector.
 */
final class GraphNodes {
  static final int CHUNK_BITS = 12;
  static final int CHUNK = 1 << CHUNK_BITS;

  private final int dim;
  private final int stride;
  private final float biasCenter;
  private final float biasScale;
  private final float normSquared;
  private volatile Chunk[] chunks = new Chunk[16];
  private volatile int size;

  private static final class Chunk {
    /** The indexed vectors {@code [v, b', t]}, {@code stride} floats a node. */
    final float[] vectors;

    final String[] ids = new String[CHUNK];
    final long[] versions = new long[CHUNK];
    final float[] biases = new float[CHUNK];

    Chunk(int stride) {
      this.vectors = new float[CHUNK * stride];
    }
  }

  /**
   * {@code biasCenter}, {@code biasScale} and {@code normSquared} are {@code c}, {@code s} and
   * {@code N} above.
   */
  GraphNodes(int dim, float biasCenter, float biasScale, float normSquared) {
    this.dim = dim;
    this.stride = dim + 2;
    this.biasCenter = biasCenter;
    this.biasScale = biasScale;
    this.normSquared = normSquared;
  }

  /**
   * Nodes for items with these biases: centred on their mean, scaled by their standard deviation
   * (at least 1).
   */
  static GraphNodes forBiases(int dim, List<Float> biases) {
    double sum = 0;
    double sumSquares = 0;
    for (float b : biases) {
      sum += b;
      sumSquares += (double) b * b;
    }
    int n = Math.max(1, biases.size());
    double mean = sum / n;
    double std = Math.sqrt(Math.max(0, sumSquares / n - mean * mean));
    float scale = (float) Math.max(1, std);
    double maxSq = 0;
    for (float b : biases) {
      double x = (b - mean) / scale;
      maxSq = Math.max(maxSq, x * x);
    }
    return new GraphNodes(dim, (float) mean, scale, (float) (1 + maxSq));
  }

  /** Appends a node (single writer); copies {@code unit}. Returns its ordinal. */
  int append(String id, float[] unit, long modelVersion, float bias) {
    int ord = size;
    Chunk[] cs = chunks;
    int c = ord >>> CHUNK_BITS;
    if (c >= cs.length) {
      cs = Arrays.copyOf(cs, cs.length * 2);
    }
    if (cs[c] == null) {
      cs[c] = new Chunk(stride);
    }
    chunks = cs;
    Chunk chunk = cs[c];
    int i = ord & (CHUNK - 1);
    int at = i * stride;
    System.arraycopy(unit, 0, chunk.vectors, at, dim);
    float b = (bias - biasCenter) / biasScale;
    chunk.vectors[at + dim] = b;
    // a bias beyond the generation's widest (merged after the build) gets 0: its norm is then a
    // little larger than the others', which costs some recall for that node until the next rebuild,
    // never correctness
    chunk.vectors[at + dim + 1] = (float) Math.sqrt(Math.max(0, normSquared - 1 - b * b));
    chunk.ids[i] = id;
    chunk.versions[i] = modelVersion;
    chunk.biases[i] = bias;
    size = ord + 1; // volatile write publishes the node's fields
    return ord;
  }

  String id(int ord) {
    return chunks[ord >>> CHUNK_BITS].ids[ord & (CHUNK - 1)];
  }

  /** A copy of the node's unit vector. */
  float[] unit(int ord) {
    int at = (ord & (CHUNK - 1)) * stride;
    return Arrays.copyOfRange(chunks[ord >>> CHUNK_BITS].vectors, at, at + dim);
  }

  /**
   * {@code unit · v} of the node, summed in index order from 0 as {@link VectorMath#dot} sums it,
   * so a rescored graph hit and an exactly scanned item get bit-identical scores.
   */
  float unitDot(float[] unit, int ord) {
    return VectorMath.dot(unit, chunks[ord >>> CHUNK_BITS].vectors, (ord & (CHUNK - 1)) * stride);
  }

  long modelVersion(int ord) {
    return chunks[ord >>> CHUNK_BITS].versions[ord & (CHUNK - 1)];
  }

  float bias(int ord) {
    return chunks[ord >>> CHUNK_BITS].biases[ord & (CHUNK - 1)];
  }

  /**
   * The indexed query: {@code [unit, s, 0]} to rank by {@code dot + bias}, {@code [unit, 0, 0]} by
   * the dot.
   */
  float[] query(float[] unit, Scoring scoring) {
    float[] x = Arrays.copyOf(unit, stride);
    x[dim] = scoring == Scoring.DOT_PLUS_BIAS ? biasScale : 0f;
    return x;
  }

  /** The nodes appended so far. */
  int size() {
    return size;
  }

  /**
   * The indexed dimension: the items' plus two (the scaled bias and the norm-equalising component).
   */
  int dimension() {
    return stride;
  }

  /**
   * The dot product of {@code query} ({@link #dimension()} floats from {@code offset}) with the
   * node's indexed vector, read in place: the graph's own similarity, which only ranks nodes, so it
   * sums in four independent lanes. One running sum is a chain of dependent additions, each waiting
   * for the last; four let the CPU overlap them (Lucene's and jvector's scalar code do the same),
   * and the search spends most of its time here. Exact scores come from {@link #unitDot}.
   */
  float dot(float[] query, int offset, int ord) {
    float[] vectors = chunks[ord >>> CHUNK_BITS].vectors;
    int at = (ord & (CHUNK - 1)) * stride;
    float s0 = 0f;
    float s1 = 0f;
    float s2 = 0f;
    float s3 = 0f;
    int j = 0;
    for (int upper = stride & ~3; j < upper; j += 4) {
      s0 += vectors[at + j] * query[offset + j];
      s1 += vectors[at + j + 1] * query[offset + j + 1];
      s2 += vectors[at + j + 2] * query[offset + j + 2];
      s3 += vectors[at + j + 3] * query[offset + j + 3];
    }
    for (; j < stride; j++) {
      s0 += vectors[at + j] * query[offset + j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** The dot product of two nodes' indexed vectors, read in place. */
  float dot(int a, int b) {
    return dot(chunks[a >>> CHUNK_BITS].vectors, (a & (CHUNK - 1)) * stride, b);
  }

  /** Adds the node's indexed vector to {@code sum}, read in place. Mutates {@code sum}. */
  void addTo(double[] sum, int ord) {
    float[] vectors = chunks[ord >>> CHUNK_BITS].vectors;
    int at = (ord & (CHUNK - 1)) * stride;
    for (int j = 0; j < stride; j++) {
      sum[j] += vectors[at + j];
    }
  }
}

package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
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
 * <p>Append-only: a changed item gets a new ordinal, and its old one stays (never returned) until
 * the next full rebuild.
 *
 * <p>One thread appends; any thread reads. jvector's concurrent insertion may show a searcher an
 * ordinal before it is published to queries; its vector is written before {@code addGraphNode}
 * links it, and jvector publishes the links through concurrent structures, so a searcher that sees
 * the link sees the vector.
 */
final class GraphNodes implements RandomAccessVectorValues {
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final int dim;
  private final float biasCenter;
  private final float biasScale;
  private final float normSquared;
  private volatile Chunk[] chunks = new Chunk[16];
  private volatile int size;

  private static final class Chunk {
    final VectorFloat<?>[] vectors = new VectorFloat<?>[CHUNK];
    final float[][] units = new float[CHUNK][];
    final String[] ids = new String[CHUNK];
    final long[] versions = new long[CHUNK];
    final float[] biases = new float[CHUNK];
  }

  /**
   * {@code biasCenter}, {@code biasScale} and {@code normSquared} are {@code c}, {@code s} and
   * {@code N} above.
   */
  GraphNodes(int dim, float biasCenter, float biasScale, float normSquared) {
    this.dim = dim;
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

  /** Appends a node (single writer); {@code unit} is kept, not copied. Returns its ordinal. */
  int append(String id, float[] unit, long modelVersion, float bias) {
    int ord = size;
    Chunk[] cs = chunks;
    int c = ord >>> CHUNK_BITS;
    if (c >= cs.length) {
      cs = Arrays.copyOf(cs, cs.length * 2);
    }
    if (cs[c] == null) {
      cs[c] = new Chunk();
    }
    chunks = cs;
    Chunk chunk = cs[c];
    int i = ord & (CHUNK - 1);
    chunk.units[i] = unit;
    float b = (bias - biasCenter) / biasScale;
    float[] x = Arrays.copyOf(unit, dim + 2);
    x[dim] = b;
    // a bias beyond the generation's widest (merged after the build) gets 0: its norm is then a
    // little larger than the others', which costs some recall for that node until the next rebuild,
    // never correctness
    x[dim + 1] = (float) Math.sqrt(Math.max(0, normSquared - 1 - b * b));
    chunk.vectors[i] = VTS.createFloatVector(x);
    chunk.ids[i] = id;
    chunk.versions[i] = modelVersion;
    chunk.biases[i] = bias;
    size = ord + 1; // volatile write publishes the node's fields
    return ord;
  }

  String id(int ord) {
    return chunks[ord >>> CHUNK_BITS].ids[ord & (CHUNK - 1)];
  }

  float[] unit(int ord) {
    return chunks[ord >>> CHUNK_BITS].units[ord & (CHUNK - 1)];
  }

  long modelVersion(int ord) {
    return chunks[ord >>> CHUNK_BITS].versions[ord & (CHUNK - 1)];
  }

  float bias(int ord) {
    return chunks[ord >>> CHUNK_BITS].biases[ord & (CHUNK - 1)];
  }

  /**
   * The jvector query: {@code [unit, s, 0]} to rank by {@code dot + bias}, {@code [unit, 0, 0]} by
   * the dot.
   */
  VectorFloat<?> query(float[] unit, Scoring scoring) {
    float[] x = Arrays.copyOf(unit, dim + 2);
    x[dim] = scoring == Scoring.DOT_PLUS_BIAS ? biasScale : 0f;
    return VTS.createFloatVector(x);
  }

  @Override
  public int size() {
    return size;
  }

  /**
   * The indexed dimension: the items' plus two (the scaled bias and the norm-equalising component).
   */
  @Override
  public int dimension() {
    return dim + 2;
  }

  @Override
  public VectorFloat<?> getVector(int ord) {
    return chunks[ord >>> CHUNK_BITS].vectors[ord & (CHUNK - 1)];
  }

  /** Vectors are immutable once appended, so every thread may share this instance. */
  @Override
  public boolean isValueShared() {
    return false;
  }

  @Override
  public RandomAccessVectorValues copy() {
    return this;
  }
}

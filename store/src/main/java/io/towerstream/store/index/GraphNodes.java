package io.towerstream.store.index;

import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.Arrays;

/**
 * The nodes of one graph generation, by ordinal: the item id, its unit vector (as jvector's {@link
 * VectorFloat} and as the {@code float[]} we rescore with) and its model version. Append-only: a changed
 * item gets a new ordinal, and its old one stays (never returned) until the next full rebuild.
 *
 * <p>One thread appends; any thread reads. jvector's concurrent insertion may show a searcher an ordinal
 * before it is published to queries; its vector is written before {@code addGraphNode} links it, and jvector
 * publishes the links through concurrent structures, so a searcher that sees the link sees the vector.
 */
final class GraphNodes implements RandomAccessVectorValues {
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  private static final int CHUNK_BITS = 12;
  private static final int CHUNK = 1 << CHUNK_BITS;

  private final int dim;
  private volatile Chunk[] chunks = new Chunk[16];
  private volatile int size;

  private static final class Chunk {
    final VectorFloat<?>[] vectors = new VectorFloat<?>[CHUNK];
    final float[][] units = new float[CHUNK][];
    final String[] ids = new String[CHUNK];
    final long[] versions = new long[CHUNK];
  }

  GraphNodes(int dim) {
    this.dim = dim;
  }

  /** Appends a node (single writer); {@code unit} is kept, not copied. Returns its ordinal. */
  int append(String id, float[] unit, long modelVersion) {
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
    chunk.vectors[i] = VTS.createFloatVector(unit);
    chunk.ids[i] = id;
    chunk.versions[i] = modelVersion;
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

  @Override
  public int size() {
    return size;
  }

  @Override
  public int dimension() {
    return dim;
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

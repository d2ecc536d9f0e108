package io.towerstream.model.tower;

import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.optim.Adam;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tower's learned {@code d × d} projection, kept as plain floats with its Adam state. It starts
 * as the identity, so turning projections on does not change a fresh model's outputs.
 */
public final class Projection {
  private final int dim;
  private final float[] weights;
  private final Adam adam;

  public Projection(int dim) {
    this(dim, identity(dim), new Adam(dim * dim));
  }

  private Projection(int dim, float[] weights, Adam adam) {
    this.dim = dim;
    this.weights = weights;
    this.adam = adam;
  }

  public int dim() {
    return dim;
  }

  /** A fresh FLOAT {@code d × d} matrix with the current weights. */
  public INDArray matrix() {
    return NdArrays.floatMatrix(weights, dim, dim);
  }

  /** A copy of the row-major weights. */
  public float[] weights() {
    return weights.clone();
  }

  /**
   * Adds {@code delta} (row-major {@code d × d}) to the weights; the optimizer state stays. Mutates
   * this.
   */
  public void add(float[] delta) {
    for (int k = 0; k < weights.length; k++) {
      weights[k] += delta[k];
    }
  }

  /** One Adam step with gradient {@code scale · gradient} (row-major {@code d × d}). */
  public void update(float[] gradient, float scale, float learningRate) {
    adam.apply(weights, gradient, scale, learningRate);
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(dim).writeFloats(weights, 0, weights.length);
    adam.writeTo(out);
  }

  public static Projection readFrom(SnapshotReader in, int dim) {
    int stored = in.readInt();
    SnapshotReader.check(stored == dim, "projection of dim " + stored + ", expected " + dim);
    float[] weights = new float[dim * dim];
    in.readFloats(weights, 0, weights.length);
    return new Projection(dim, weights, Adam.readFrom(in, dim * dim));
  }

  private static float[] identity(int dim) {
    float[] w = new float[dim * dim];
    for (int i = 0; i < dim; i++) {
      w[i * dim + i] = 1f;
    }
    return w;
  }
}

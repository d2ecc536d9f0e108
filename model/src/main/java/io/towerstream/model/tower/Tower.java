package io.towerstream.model.tower;

import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One tower (user or item): the id embedding, optionally through a learned projection and a small
 * residual MLP (its "head"), L2-normalised. The dense state lives here; the id embeddings live in
 * the tables and arrive as batches. The head's gradient travels as one flat vector {@code [W, W₁,
 * b₁, W₂]} (the parts present).
 */
public final class Tower {
  private final Projection projection; // null: identity, nothing to learn
  private final ResidualMlp mlp; // null: none

  /**
   * @param mlpHidden hidden width of the residual MLP, 0 for none
   * @param random draws the MLP's first layer (unused without one)
   */
  public Tower(int dim, boolean projected, int mlpHidden, SeededRandom random) {
    this(
        projected ? new Projection(dim) : null,
        mlpHidden > 0 ? new ResidualMlp(dim, mlpHidden, random) : null);
  }

  private Tower(Projection projection, ResidualMlp mlp) {
    this.projection = projection;
    this.mlp = mlp;
  }

  /** Whether the tower has weights of its own, so that a step moves every row's output. */
  public boolean hasHead() {
    return projection != null || mlp != null;
  }

  /**
   * Floats of the head's flat layout {@code [W, W₁, b₁, W₂]} (the parts present); 0 without a head.
   */
  public int headSize() {
    return (projection == null ? 0 : projection.dim() * projection.dim())
        + (mlp == null ? 0 : mlp.flat().length);
  }

  /** A copy of the head's weights in the flat layout; empty without a head. */
  public float[] headValues() {
    float[] p = projection == null ? new float[0] : projection.weights();
    if (mlp == null) {
      return p;
    }
    float[] m = mlp.flat();
    float[] out = Arrays.copyOf(p, p.length + m.length);
    System.arraycopy(m, 0, out, p.length, m.length);
    return out;
  }

  /**
   * Adds {@code delta} (the flat layout) to the head's weights, leaving its optimizer state.
   * Mutates this.
   */
  public void addToHead(float[] delta) {
    if (delta.length != headSize()) {
      throw new IllegalArgumentException(
          "head delta of " + delta.length + " floats for a head of " + headSize());
    }
    int split = 0;
    if (projection != null) {
      split = projection.dim() * projection.dim();
      projection.add(Arrays.copyOf(delta, split));
    }
    if (mlp != null) {
      mlp.add(Arrays.copyOfRange(delta, split, delta.length));
    }
  }

  /** The projection matrix for one step (fresh FLOAT array), or null without a projection. */
  public INDArray projectionMatrix() {
    return projection == null ? null : projection.matrix();
  }

  /** The MLP's weights for one step (fresh FLOAT arrays), or null without an MLP. */
  public ResidualMlp.Params mlpParams() {
    return mlp == null ? null : mlp.params();
  }

  /** Outputs for {@code rows × d} embeddings as row-major floats. */
  public float[] outputs(float[] embeddings, int rows, int dim) {
    if (!hasHead()) { // a normalisation: plain loops cost less than the ND4J calls around them
      float[] out = new float[rows * dim];
      RowNormalisation.forward(embeddings, rows, dim, out, dim, new float[rows]);
      return out;
    }
    INDArray e = NdArrays.floatMatrix(embeddings, rows, dim);
    return NdArrays.toFloats(TowerMath.forward(e, projectionMatrix(), mlpParams()).outputs());
  }

  /** The head's part of {@code g} as one flat vector, or null when the tower has no head. */
  public float[] headGradient(TowerGradients g) {
    if (!hasHead()) {
      return null;
    }
    float[] p = g.projection() == null ? new float[0] : NdArrays.toFloats(g.projection());
    if (g.mlp() == null) {
      return p;
    }
    float[] w1 = NdArrays.toFloats(g.mlp().w1());
    float[] b1 = NdArrays.toFloats(g.mlp().b1());
    float[] w2 = NdArrays.toFloats(g.mlp().w2());
    float[] out = Arrays.copyOf(p, p.length + w1.length + b1.length + w2.length);
    System.arraycopy(w1, 0, out, p.length, w1.length);
    System.arraycopy(b1, 0, out, p.length + w1.length, b1.length);
    System.arraycopy(w2, 0, out, p.length + w1.length + b1.length, w2.length);
    return out;
  }

  /**
   * Applies an Adam step to the head from {@link #headGradient}'s layout; a no-op without a head.
   */
  public void updateHead(float[] gradient, float scale, float learningRate) {
    if (gradient == null) {
      return;
    }
    int split = 0;
    if (projection != null) {
      split = projection.dim() * projection.dim();
      projection.update(Arrays.copyOf(gradient, split), scale, learningRate);
    }
    if (mlp != null) {
      mlp.update(Arrays.copyOfRange(gradient, split, gradient.length), scale, learningRate);
    }
  }

  /** Writes the projection, then (format 3) the MLP. */
  public void writeTo(SnapshotWriter out) {
    out.writeBoolean(projection != null);
    if (projection != null) {
      projection.writeTo(out);
    }
    out.writeInt(mlp == null ? 0 : mlp.hidden());
    if (mlp != null) {
      mlp.writeTo(out);
    }
  }

  /**
   * Reads a tower; fails when its projection or MLP setting differs from the configured one (a
   * snapshot of format 2 or older, or of format 3's first layout, has no MLP).
   */
  public static Tower readFrom(
      SnapshotReader in, int dim, boolean projected, int mlpHidden, String name) {
    boolean stored = in.readBoolean();
    if (stored != projected) {
      throw new IllegalArgumentException(
          "model snapshot's "
              + name
              + " tower has towerProjection="
              + stored
              + " but model.tower-projection is "
              + projected);
    }
    Projection projection = projected ? Projection.readFrom(in, dim) : null;
    int storedHidden = in.hasTowerMlpFields() ? in.readInt() : 0;
    if (storedHidden != mlpHidden) {
      throw new IllegalArgumentException(
          "model snapshot's "
              + name
              + " tower has an MLP of hidden width "
              + storedHidden
              + " but model.tower.mlp-hidden is "
              + mlpHidden);
    }
    return new Tower(projection, mlpHidden > 0 ? ResidualMlp.readFrom(in, dim, mlpHidden) : null);
  }
}

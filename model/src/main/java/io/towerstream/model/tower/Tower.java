package io.towerstream.model.tower;

import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One tower (user or item): L2-normalised id embedding, optionally through a learned projection. The
 * dense state lives here; the id embeddings live in the tables and arrive as batches.
 */
public final class Tower {
  private final Projection projection; // null: identity, nothing to learn

  public Tower(int dim, boolean projected) {
    this(projected ? new Projection(dim) : null);
  }

  private Tower(Projection projection) {
    this.projection = projection;
  }

  /** The projection matrix for one step (fresh FLOAT array), or null without a projection. */
  public INDArray projectionMatrix() {
    return projection == null ? null : projection.matrix();
  }

  /** Outputs for {@code rows × d} embeddings as row-major floats. */
  public float[] outputs(float[] embeddings, int rows, int dim) {
    INDArray e = NdArrays.floatMatrix(embeddings, rows, dim);
    return NdArrays.toFloats(TowerMath.forward(e, projectionMatrix()).outputs());
  }

  /** Applies an Adam step to the projection; a no-op without one. */
  public void updateProjection(float[] gradient, float scale, float learningRate) {
    if (projection != null) {
      projection.update(gradient, scale, learningRate);
    }
  }

  public void writeTo(SnapshotWriter out) {
    out.writeBoolean(projection != null);
    if (projection != null) {
      projection.writeTo(out);
    }
  }

  /** Reads a tower; fails when its projection setting differs from the configured one. */
  public static Tower readFrom(SnapshotReader in, int dim, boolean projected, String name) {
    boolean stored = in.readBoolean();
    if (stored != projected) {
      throw new IllegalArgumentException("model snapshot's " + name + " tower has towerProjection=" + stored
          + " but model.tower-projection is " + projected);
    }
    return new Tower(projected ? Projection.readFrom(in, dim) : null);
  }
}

package io.towerstream.model.tower;

import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.optim.Adam;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tower's small MLP, one residual block {@code z + relu(z·W₁ + b₁)·W₂} of hidden width {@code h},
 * kept as plain floats ({@code W₁} row-major {@code d × h}, {@code b₁}, {@code W₂} row-major {@code
 * h × d}) with one Adam over all of them. {@code W₂} starts at zero, so a fresh block is the
 * identity and turning it on does not change a fresh model's outputs (the "zero-init residual" of
 * Goyal et al. 2017); {@code W₁} starts He-scaled, so the first steps already give {@code W₂} a
 * gradient.
 */
public final class ResidualMlp {
  private final int dim;
  private final int hidden;
  private final float[] params;
  private final Adam adam;

  /** A fresh block; {@code random} draws {@code W₁}. */
  public ResidualMlp(int dim, int hidden, SeededRandom random) {
    this(dim, hidden, initial(dim, hidden, random), new Adam(size(dim, hidden)));
  }

  private ResidualMlp(int dim, int hidden, float[] params, Adam adam) {
    this.dim = dim;
    this.hidden = hidden;
    this.params = params;
    this.adam = adam;
  }

  static int size(int dim, int hidden) {
    return dim * hidden + hidden + hidden * dim;
  }

  public int hidden() {
    return hidden;
  }

  /** Fresh FLOAT copies of the weights for one step. */
  public Params params() {
    int w1 = dim * hidden;
    float[] first = java.util.Arrays.copyOfRange(params, 0, w1);
    float[] bias = java.util.Arrays.copyOfRange(params, w1, w1 + hidden);
    float[] second = java.util.Arrays.copyOfRange(params, w1 + hidden, params.length);
    return new Params(
        NdArrays.floatMatrix(first, dim, hidden),
        NdArrays.floatMatrix(bias, 1, hidden),
        NdArrays.floatMatrix(second, hidden, dim));
  }

  /** A copy of all weights in the flat layout {@code [W₁, b₁, W₂]}. */
  public float[] flat() {
    return params.clone();
  }

  /**
   * Adds {@code delta} (the flat layout) to the weights; the optimizer state stays. Mutates this.
   */
  public void add(float[] delta) {
    for (int k = 0; k < params.length; k++) {
      params[k] += delta[k];
    }
  }

  /** One Adam step with gradient {@code scale · gradient}, in the flat layout. */
  public void update(float[] gradient, float scale, float learningRate) {
    adam.apply(params, gradient, scale, learningRate);
  }

  /**
   * The block's weights as ND4J arrays: {@code w1} is {@code d × h}, {@code b1} {@code 1 × h},
   * {@code w2} {@code h × d}.
   */
  public record Params(INDArray w1, INDArray b1, INDArray w2) {}

  public void writeTo(SnapshotWriter out) {
    out.writeInt(dim).writeInt(hidden).writeFloats(params, 0, params.length);
    adam.writeTo(out);
  }

  public static ResidualMlp readFrom(SnapshotReader in, int dim, int hidden) {
    int storedDim = in.readInt();
    int storedHidden = in.readInt();
    SnapshotReader.check(
        storedDim == dim && storedHidden == hidden,
        "MLP of " + storedDim + "×" + storedHidden + ", expected " + dim + "×" + hidden);
    float[] params = new float[size(dim, hidden)];
    in.readFloats(params, 0, params.length);
    return new ResidualMlp(dim, hidden, params, Adam.readFrom(in, params.length));
  }

  private static float[] initial(int dim, int hidden, SeededRandom random) {
    float[] p = new float[size(dim, hidden)];
    double std = Math.sqrt(2.0 / dim); // He et al. 2015, for the ReLU that follows
    for (int k = 0; k < dim * hidden; k++) {
      p[k] = (float) (random.nextGaussian() * std);
    }
    return p; // b₁ = 0, W₂ = 0
  }
}

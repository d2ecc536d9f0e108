package io.towerstream.model.optim;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * Adam (Kingma and Ba 2015) with bias correction for one dense parameter array, plain Java: the
 * tower weights are a few thousand floats, for which a loop beats a dozen ND4J calls of ~11 µs
 * each. Holds the moment estimates and the step count; the parameters themselves are passed in.
 */
public final class Adam {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;
  private final float[] firstMoment;
  private final float[] secondMoment;
  private long steps;

  public Adam(int size) {
    this.firstMoment = new float[size];
    this.secondMoment = new float[size];
  }

  public int size() {
    return firstMoment.length;
  }

  /**
   * Applies one step with gradient {@code scale · grad} to {@code params}. Mutates params and this.
   */
  public void apply(float[] params, float[] grad, float scale, float learningRate) {
    if (params.length != firstMoment.length || grad.length != firstMoment.length) {
      throw new IllegalArgumentException(
          "Adam state has "
              + firstMoment.length
              + " entries, got params "
              + params.length
              + " and gradient "
              + grad.length);
    }
    steps++;
    double correction1 = 1 - Math.pow(BETA1, steps);
    double correction2 = 1 - Math.pow(BETA2, steps);
    for (int i = 0; i < params.length; i++) {
      double g = (double) grad[i] * scale;
      double m = BETA1 * firstMoment[i] + (1 - BETA1) * g;
      double v = BETA2 * secondMoment[i] + (1 - BETA2) * g * g;
      firstMoment[i] = (float) m;
      secondMoment[i] = (float) v;
      params[i] -=
          (float) (learningRate * (m / correction1) / (Math.sqrt(v / correction2) + EPSILON));
    }
  }

  public void writeTo(SnapshotWriter out) {
    out.writeInt(firstMoment.length).writeLong(steps);
    out.writeFloats(firstMoment, 0, firstMoment.length)
        .writeFloats(secondMoment, 0, secondMoment.length);
  }

  public static Adam readFrom(SnapshotReader in, int expectedSize) {
    int size = in.readInt();
    SnapshotReader.check(
        size == expectedSize, "Adam state of " + size + " entries, expected " + expectedSize);
    Adam adam = new Adam(size);
    adam.steps = in.readLong();
    in.readFloats(adam.firstMoment, 0, size);
    in.readFloats(adam.secondMoment, 0, size);
    return adam;
  }
}

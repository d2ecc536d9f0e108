package io.towerstream.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleUnaryOperator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Central finite differences in DOUBLE, for checking analytic gradients. */
public final class NumericalGradient {
  private static final double STEP = 1e-6;

  private NumericalGradient() {}

  /** A DOUBLE {@code rows × cols} matrix of N(0, scale²) entries. */
  public static INDArray gaussian(Random random, int rows, int cols, double scale) {
    double[] v = new double[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = random.nextGaussian() * scale;
    }
    return Nd4j.create(v, new long[] {rows, cols}, DataType.DOUBLE);
  }

  /**
   * Asserts that {@code analytic} matches the central difference of {@code loss} with respect to
   * every entry of {@code input} (which is perturbed in place and restored).
   */
  public static void assertMatches(
      String what, INDArray input, INDArray analytic, DoubleSupplier loss) {
    assertThat(analytic.shape()).as(what + " shape").isEqualTo(input.shape());
    double maxError = 0;
    double maxMagnitude = 0;
    for (int r = 0; r < input.rows(); r++) {
      for (int c = 0; c < input.columns(); c++) {
        double original = input.getDouble(r, c);
        input.putScalar(r, c, original + STEP);
        double plus = loss.getAsDouble();
        input.putScalar(r, c, original - STEP);
        double minus = loss.getAsDouble();
        input.putScalar(r, c, original);
        double numeric = (plus - minus) / (2 * STEP);
        double a = analytic.getDouble(r, c);
        maxError = Math.max(maxError, Math.abs(numeric - a));
        maxMagnitude = Math.max(maxMagnitude, Math.abs(numeric));
      }
    }
    assertThat(maxMagnitude).as(what + ": gradient should not vanish").isGreaterThan(1e-4);
    assertThat(maxError)
        .as(what + ": max |numeric − analytic| (max |numeric| = " + maxMagnitude + ")")
        .isLessThan(1e-6 * Math.max(1, maxMagnitude));
  }

  /**
   * Asserts that {@code analytic} matches the central difference of {@code loss} at the scalar
   * {@code x}.
   */
  public static void assertDerivativeMatches(
      String what, double x, double analytic, DoubleUnaryOperator loss) {
    double numeric = (loss.applyAsDouble(x + STEP) - loss.applyAsDouble(x - STEP)) / (2 * STEP);
    assertThat(Math.abs(numeric)).as(what + ": derivative should not vanish").isGreaterThan(1e-4);
    assertThat(Math.abs(numeric - analytic))
        .as(what + ": |numeric − analytic| (numeric = " + numeric + ")")
        .isLessThan(1e-6 * Math.max(1, Math.abs(numeric)));
  }
}

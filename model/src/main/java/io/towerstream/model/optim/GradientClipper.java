package io.towerstream.model.optim;

/**
 * Global gradient-norm clipping plus the non-finite guard. One decision per step over all gradients
 * together: skip the step when the loss or any gradient entry is NaN or infinite (a poisoned step
 * must not touch the model), otherwise scale every gradient by {@code min(1, maxNorm / ‖g‖)}.
 */
public final class GradientClipper {
  private final double maxNorm;

  public GradientClipper(double maxNorm) {
    if (!(maxNorm > 0)) {
      throw new IllegalArgumentException("max gradient norm must be positive, was " + maxNorm);
    }
    this.maxNorm = maxNorm;
  }

  /** Reads, never modifies, the gradients. */
  public Decision decide(double loss, float[]... gradients) {
    return decide(loss, 0.0, gradients);
  }

  /**
   * As {@link #decide(double, float[]...)}, with {@code extraSquares} the squared norm of gradients
   * not passed as arrays (a NaN there skips the step too).
   */
  public Decision decide(double loss, double extraSquares, float[]... gradients) {
    double sumSquares = extraSquares;
    for (float[] g : gradients) {
      if (g == null) {
        continue;
      }
      for (float x : g) {
        sumSquares +=
            (double) x * x; // NaN and ±Inf propagate into the sum, which is how they are detected
      }
    }
    double norm = Math.sqrt(sumSquares);
    if (!Double.isFinite(loss) || !Double.isFinite(norm)) {
      return new Decision(true, norm, 0f);
    }
    float scale = norm > maxNorm ? (float) (maxNorm / norm) : 1f;
    return new Decision(false, norm, scale);
  }

  /**
   * @param skip true when the step must be dropped
   * @param norm the global L2 norm before clipping
   * @param scale the factor to apply to every gradient (1 when within the bound)
   */
  public record Decision(boolean skip, double norm, float scale) {}
}

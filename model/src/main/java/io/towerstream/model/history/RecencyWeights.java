package io.towerstream.model.history;

/**
 * The pooling weights of a history of {@code n} items, oldest first: {@code a_j = γ^(n−1−j) / Σ_age
 * γ^age}, or {@code 1/n} each for {@code γ = 1}; and the weight {@code w} of the row's own id
 * embedding beside them. The powers and their running sums are tabulated once, up to the history
 * length, so that pooling a row allocates nothing; immutable, so the training and serving paths may
 * share one.
 */
public final class RecencyWeights {
  /** The plain mean. */
  public static final RecencyWeights MEAN = new RecencyWeights(0, 1.0);

  private final double decay;
  private final float idWeight;

  /** {@code powers[age] = γ^age}, by repeated multiplication. */
  private final double[] powers;

  /** {@code sums[n] = Σ_{age < n} γ^age}, summed newest first. */
  private final double[] sums;

  /**
   * @param maxLength the longest history tabulated; longer ones are computed when asked
   * @param decay γ in (0, 1]
   */
  public RecencyWeights(int maxLength, double decay) {
    this(maxLength, decay, 1f);
  }

  /**
   * @param idWeight the weight of the row's own id embedding, in (0, 1]
   */
  public RecencyWeights(int maxLength, double decay, float idWeight) {
    if (!(idWeight > 0 && idWeight <= 1)) {
      throw new IllegalArgumentException("id weight must be in (0, 1], was " + idWeight);
    }
    this.decay = decay;
    this.idWeight = idWeight;
    int size = decay == 1.0 ? 0 : maxLength;
    this.powers = new double[size];
    this.sums = new double[size + 1];
    double w = 1;
    for (int age = 0; age < size; age++) {
      powers[age] = w;
      sums[age + 1] = sums[age] + w;
      w *= decay;
    }
  }

  /** {@code a_j} of position {@code j} (0 = oldest) in a history of {@code n}. */
  public float weight(int n, int j) {
    if (decay == 1.0) {
      return 1f / n;
    }
    int age = n - 1 - j;
    if (n < sums.length) {
      return (float) (powers[age] / sums[n]);
    }
    return (float) (Math.pow(decay, age) * (1 - decay) / (1 - Math.pow(decay, n)));
  }

  /** Every weight of a history of {@code n}, a fresh array (for tests and reports). */
  public float[] of(int n) {
    float[] a = new float[n];
    for (int j = 0; j < n; j++) {
      a[j] = weight(n, j);
    }
    return a;
  }

  /** The weight {@code w} of the row's own id embedding. */
  public float idWeight() {
    return idWeight;
  }

  /** Whether every position weighs the same ({@code γ = 1}). */
  boolean isMean() {
    return decay == 1.0;
  }
}

package io.towerstream.model.history;

/**
 * The pooling weights of a history of {@code n} items, oldest first, and the weight {@code w} of
 * the row's own id embedding beside them. Either fixed, {@code a_j = γ^(n−1−j) / Σ_age γ^age}
 * ({@code 1/n} each for {@code γ = 1}), or learned: a softmax over the first {@code n} of one logit
 * per age, {@code a_j = exp(θ_age) / Σ_{age < n} exp(θ_age)} ({@link #ofLogits}; {@code θ_age = age
 * · ln γ} gives the fixed weights). The weights are tabulated once, up to the history length, so
 * that pooling a row allocates nothing; immutable, so the training and serving paths may share one
 * (a learner makes a new one after each step).
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

  /** Learned weights, {@code softmax[n][age]} for {@code n ≤} the logits' length; null if fixed. */
  private final float[][] softmax;

  /** The learned logits by age (a copy), for histories longer than the table; null if fixed. */
  private final float[] logits;

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
    requireIdWeight(idWeight);
    this.decay = decay;
    this.idWeight = idWeight;
    this.softmax = null;
    this.logits = null;
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

  private RecencyWeights(float[] logits, float[][] softmax, float idWeight) {
    this.decay = Double.NaN;
    this.idWeight = idWeight;
    this.powers = new double[0];
    this.sums = new double[0];
    this.logits = logits;
    this.softmax = softmax;
  }

  /**
   * Learned weights: for each history length {@code n} up to {@code logits.length}, the softmax of
   * {@code logits[0..n)}, indexed by age (0 = the newest item). A history longer than the logits
   * gives its older items the last logit.
   *
   * @param logits one logit per age; not modified
   * @param idWeight the weight of the row's own id embedding, in (0, 1]
   */
  public static RecencyWeights ofLogits(float[] logits, float idWeight) {
    requireIdWeight(idWeight);
    if (logits.length == 0) {
      throw new IllegalArgumentException("learned recency weights need at least one age");
    }
    float[][] softmax = new float[logits.length + 1][];
    softmax[0] = new float[0];
    for (int n = 1; n <= logits.length; n++) {
      softmax[n] = softmaxOf(logits, n);
    }
    return new RecencyWeights(logits.clone(), softmax, idWeight);
  }

  private static void requireIdWeight(float idWeight) {
    if (!(idWeight > 0 && idWeight <= 1)) {
      throw new IllegalArgumentException("id weight must be in (0, 1], was " + idWeight);
    }
  }

  /** The logits by age whose softmax gives the fixed weights {@code γ^age / Σ γ^age}. */
  public static float[] logitsOf(int maxLength, double decay) {
    float[] logits = new float[maxLength];
    for (int age = 0; age < maxLength; age++) {
      logits[age] = (float) (age * Math.log(decay));
    }
    return logits;
  }

  private static float[] softmaxOf(float[] logits, int n) {
    double max = Double.NEGATIVE_INFINITY;
    for (int age = 0; age < n; age++) {
      max = Math.max(max, logits[Math.min(age, logits.length - 1)]);
    }
    double[] e = new double[n];
    double sum = 0;
    for (int age = 0; age < n; age++) {
      e[age] = Math.exp(logits[Math.min(age, logits.length - 1)] - max);
      sum += e[age];
    }
    float[] a = new float[n];
    for (int age = 0; age < n; age++) {
      a[age] = (float) (e[age] / sum);
    }
    return a;
  }

  /** {@code a_j} of position {@code j} (0 = oldest) in a history of {@code n}. */
  public float weight(int n, int j) {
    if (softmax != null) {
      int age = n - 1 - j;
      return n < softmax.length ? softmax[n][age] : softmaxOf(logits, n)[age];
    }
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

  /** Whether the weights come from learned logits ({@link #ofLogits}). */
  public boolean isLearned() {
    return softmax != null;
  }
}

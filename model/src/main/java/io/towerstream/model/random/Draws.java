package io.towerstream.model.random;

/** Weighted and uniform draws over arrays, shared by the samplers and the synthetic streams. */
public final class Draws {
  private Draws() {}

  /**
   * The first index in {@code [0, length)} whose running total in {@code cumulative} exceeds {@code
   * u} (binary search); {@code length − 1} when none does.
   */
  public static int firstAbove(double[] cumulative, int length, double u) {
    int lo = 0;
    int hi = length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > u) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  /**
   * An index drawn with probability proportional to the increments of {@code cumulative} (a running
   * total, non-decreasing). Advances {@code random} by one double.
   */
  public static int weighted(double[] cumulative, SeededRandom random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    return firstAbove(cumulative, cumulative.length, u);
  }

  /** Shuffles {@code a} in place (Fisher-Yates), advancing {@code random}. Returns {@code a}. */
  public static int[] shuffle(int[] a, SeededRandom random) {
    for (int i = a.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

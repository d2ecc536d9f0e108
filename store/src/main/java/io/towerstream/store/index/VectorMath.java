package io.towerstream.store.index;

/** Vector helpers shared by the index implementations. */
public final class VectorMath {
  private VectorMath() {}

  /**
   * A copy of {@code v} scaled to unit length (a zero vector stays zero); does not mutate {@code
   * v}.
   */
  public static float[] normalized(float[] v) {
    double sum = 0;
    for (float x : v) {
      sum += (double) x * x;
    }
    float[] out = v.clone();
    if (sum > 0) {
      float inv = (float) (1.0 / Math.sqrt(sum));
      for (int i = 0; i < out.length; i++) {
        out[i] *= inv;
      }
    }
    return out;
  }

  /**
   * The dot product summed in index order from 0, the same float arithmetic as the exact index's
   * scan, so a rescored graph hit and an exactly scanned item get bit-identical scores. Mutates
   * nothing.
   */
  public static float dot(float[] a, float[] b) {
    return dot(a, b, 0);
  }

  /**
   * {@link #dot(float[], float[])} with {@code b} read from {@code bOffset}: {@code a.length}
   * floats, summed in the same order, so the result is bit-identical. Mutates nothing.
   */
  static float dot(float[] a, float[] b, int bOffset) {
    float s = 0f;
    for (int j = 0; j < a.length; j++) {
      s += b[bOffset + j] * a[j];
    }
    return s;
  }
}

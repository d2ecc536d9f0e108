package io.towerstream.model.eval;

import static org.bytedeco.openblas.global.openblas.LAPACKE_spotrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_spotri;
import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import org.bytedeco.javacpp.FloatPointer;

/**
 * EASE's item-item weights (Steck, WWW 2019) from one Gram matrix and one λ: {@code P = (G + λI)⁻¹}
 * by a Cholesky factorisation and inverse in LAPACK ({@code spotrf}, {@code spotri}), then {@code
 * B_ij = −P_ij / P_jj} with a zero diagonal. That is about n³ flops, several times less than the
 * eigendecomposition {@link EaseScorer} uses, which only pays when many λ share one Gram matrix: a
 * 12,500-item catalogue refits in seconds instead of many minutes.
 *
 * <p>In single precision, as EASE is usually run: {@code G + λI} is well conditioned for the λ used
 * (the inverse times the matrix is the identity to about 1e-6 here), and the double routine of the
 * OpenBLAS that ND4J ships ({@code dpotrf}, 0.3.19) reported valid Gram matrices as not positive
 * definite on the AMD machines measured.
 */
final class EaseFit {
  private EaseFit() {}

  /**
   * The weights, row-major {@code n × n} in float (a user's scores are the sum of their items'
   * rows). Reads {@code gram} (row-major, symmetric) only; the factorisation works on a native
   * copy.
   *
   * @throws IllegalStateException when LAPACK reports the matrix is not positive definite (λ ≤ 0)
   */
  static float[] weights(double[] gram, int n, double lambda) {
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("EASE's lambda must be positive, was " + lambda);
    }
    if (n == 0) {
      return new float[0];
    }
    float[] b = new float[n * n];
    try (FloatPointer m = new FloatPointer((long) n * n)) {
      float[] row = new float[n];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          row[j] = (float) gram[i * n + j];
        }
        row[i] += (float) lambda;
        m.position((long) i * n).put(row, 0, n);
      }
      m.position(0);
      check(LAPACKE_spotrf(LAPACK_ROW_MAJOR, (byte) 'U', n, m, n), "spotrf");
      check(LAPACKE_spotri(LAPACK_ROW_MAJOR, (byte) 'U', n, m, n), "spotri");
      float[] diag = new float[n];
      for (int i = 0; i < n; i++) {
        diag[i] = m.get((long) i * n + i);
      }
      // potri leaves the inverse in the upper triangle only: P_ij for j ≥ i, read a row at a time
      for (int i = 0; i < n; i++) {
        m.position((long) i * n).get(row, 0, n);
        for (int j = i + 1; j < n; j++) {
          float pij = row[j];
          b[i * n + j] = -pij / diag[j];
          b[j * n + i] = -pij / diag[i];
        }
      }
      m.position(0);
    }
    return b;
  }

  private static void check(int info, String routine) {
    if (info != 0) {
      throw new IllegalStateException(
          "LAPACK " + routine + " failed with info " + info + " (matrix not positive definite?)");
    }
  }
}

package io.towerstream.model.monitor;

/**
 * Computes {@link CollapseMetrics} from vectors in plain Java: a few hundred rows of a few dozen
 * dimensions, where ND4J's per-op cost would exceed the arithmetic. The rows are taken as given
 * (the towers' outputs are unit vectors); nothing is mutated.
 */
public final class CollapseMeasure {
  private static final int JACOBI_SWEEPS = 30;

  private CollapseMeasure() {}

  /**
   * @param items {@code n × dim} row-major item vectors
   * @param users {@code p × dim} user vectors, row {@code k} paired with {@code pairedItems} row
   *     {@code k}
   * @param pairedItems {@code p × dim}
   */
  public static CollapseMetrics of(
      float[] items, int n, float[] users, float[] pairedItems, int pairs, int dim) {
    if (n < 2) {
      return CollapseMetrics.NONE;
    }
    double alignment = Double.NaN;
    if (pairs > 0) {
      double sum = 0;
      for (int k = 0; k < pairs; k++) {
        sum += squaredDistance(users, k, pairedItems, k, dim);
      }
      alignment = sum / pairs;
    }
    double cosine = 0;
    double kernel = 0;
    long count = 0;
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        cosine += dot(items, a, items, b, dim);
        kernel += Math.exp(-2 * squaredDistance(items, a, items, b, dim));
        count++;
      }
    }
    return new CollapseMetrics(
        alignment, Math.log(kernel / count), effectiveRank(items, n, dim), cosine / count, n);
  }

  /** {@code exp} of the entropy of the normalised singular values of the {@code n × dim} rows. */
  static double effectiveRank(float[] rows, int n, int dim) {
    double[][] gram = new double[dim][dim]; // XᵀX: its eigenvalues are the squared singular values
    for (int r = 0; r < n; r++) {
      int o = r * dim;
      for (int i = 0; i < dim; i++) {
        double x = rows[o + i];
        for (int j = i; j < dim; j++) {
          gram[i][j] += x * rows[o + j];
        }
      }
    }
    for (int i = 0; i < dim; i++) {
      for (int j = 0; j < i; j++) {
        gram[i][j] = gram[j][i];
      }
    }
    double[] eigen = symmetricEigenvalues(gram);
    double total = 0;
    double[] sigma = new double[dim];
    for (int i = 0; i < dim; i++) {
      sigma[i] = Math.sqrt(Math.max(eigen[i], 0));
      total += sigma[i];
    }
    if (total == 0) {
      return Double.NaN;
    }
    double entropy = 0;
    for (double s : sigma) {
      double p = s / total;
      if (p > 0) {
        entropy -= p * Math.log(p);
      }
    }
    return Math.exp(entropy);
  }

  /** Cyclic Jacobi rotations; mutates {@code a}, which ends (nearly) diagonal. */
  static double[] symmetricEigenvalues(double[][] a) {
    int d = a.length;
    for (int sweep = 0; sweep < JACOBI_SWEEPS; sweep++) {
      double off = 0;
      double diag = 0;
      for (int i = 0; i < d; i++) {
        diag += a[i][i] * a[i][i];
        for (int j = i + 1; j < d; j++) {
          off += a[i][j] * a[i][j];
        }
      }
      if (off <= 1e-22 * Math.max(diag, Double.MIN_NORMAL)) {
        break;
      }
      for (int p = 0; p < d; p++) {
        for (int q = p + 1; q < d; q++) {
          if (a[p][q] == 0) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < d; k++) { // columns p, q
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < d; k++) { // rows p, q
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
        }
      }
    }
    double[] out = new double[d];
    for (int i = 0; i < d; i++) {
      out[i] = a[i][i];
    }
    return out;
  }

  private static double dot(float[] x, int a, float[] y, int b, int dim) {
    double s = 0;
    int oa = a * dim;
    int ob = b * dim;
    for (int i = 0; i < dim; i++) {
      s += (double) x[oa + i] * y[ob + i];
    }
    return s;
  }

  private static double squaredDistance(float[] x, int a, float[] y, int b, int dim) {
    double s = 0;
    int oa = a * dim;
    int ob = b * dim;
    for (int i = 0; i < dim; i++) {
      double diff = (double) x[oa + i] - y[ob + i];
      s += diff * diff;
    }
    return s;
  }
}

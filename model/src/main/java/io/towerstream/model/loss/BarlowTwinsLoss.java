package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Barlow Twins' redundancy reduction (Zbontar et al., ICML 2021), negative-free: the two views are
 * a batch's user outputs {@code U} and its positive items' {@code V_B}. Each dimension is
 * standardised over the batch, and their cross-correlation {@code C = Z_Uᵀ Z_V / B} ({@code d × d})
 * is pulled toward the identity:
 *
 * <pre>
 *   loss = Σ_k (1 − C_kk)² + λ Σ_{k≠l} C_kl²,   λ = 1/d
 * </pre>
 *
 * The on-diagonal term aligns the views, the off-diagonal one decorrelates the dimensions, which is
 * what keeps it from collapsing without negatives. It is a statistic of the whole batch, so row
 * weights, the sampled negatives, the queue, temperature and log-Q do not enter; it needs batches
 * well above the dimension to estimate {@code C} (the paper uses 2,048). The backward pass goes
 * through the standardisation; computed in plain Java, as {@code B × d} and {@code d × d} are
 * small.
 */
public final class BarlowTwinsLoss implements ContrastiveLoss {
  private static final double EPSILON = 1e-5;

  @Override
  public LossGradients compute(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      int[] userKeys,
      double temperature,
      QueuedNegatives queue) {
    ScoredBatch batch =
        ScoredBatch.of(
            users, candidates, logQ, weights, candidateKeys, userKeys, temperature, queue);
    int b = batch.rows;
    int d = (int) users.columns();
    double lambda = 1.0 / d;
    Standardised zu = Standardised.of(users.toDoubleMatrix());
    Standardised zv = Standardised.of(batch.positives().toDoubleMatrix());
    double[][] c = new double[d][d];
    for (int r = 0; r < b; r++) {
      for (int k = 0; k < d; k++) {
        double x = zu.z[r][k] / b;
        for (int l = 0; l < d; l++) {
          c[k][l] += x * zv.z[r][l];
        }
      }
    }
    double loss = 0;
    double[][] g = new double[d][d]; // ∂loss/∂C
    for (int k = 0; k < d; k++) {
      for (int l = 0; l < d; l++) {
        double target = k == l ? 1 : 0;
        double w = k == l ? 1 : lambda;
        double e = c[k][l] - target;
        loss += w * e * e;
        g[k][l] = 2 * w * e;
      }
    }
    double[][] dzu = new double[b][d]; // Z_V Gᵀ / B
    double[][] dzv = new double[b][d]; // Z_U G / B
    for (int r = 0; r < b; r++) {
      for (int k = 0; k < d; k++) {
        double su = 0;
        double sv = 0;
        for (int l = 0; l < d; l++) {
          su += zv.z[r][l] * g[k][l];
          sv += zu.z[r][l] * g[l][k];
        }
        dzu[r][k] = su / b;
        dzv[r][k] = sv / b;
      }
    }
    INDArray dUsers = Nd4j.create(zu.backward(dzu)).castTo(users.dataType());
    double[][] dv = java.util.Arrays.copyOf(zv.backward(dzv), batch.candidates); // negatives: 0
    for (int r = b; r < dv.length; r++) {
      dv[r] = new double[d];
    }
    INDArray dCandidates = Nd4j.create(dv).castTo(users.dataType()); // one transfer, not one a row
    return new LossGradients(loss, dUsers, dCandidates);
  }

  /** Columns standardised over the rows, {@code z = (x − μ) / σ}, with what the backward needs. */
  private record Standardised(double[][] z, double[] sigma) {
    static Standardised of(double[][] x) {
      int n = x.length;
      int d = x[0].length;
      double[][] z = new double[n][d];
      double[] sigma = new double[d];
      for (int k = 0; k < d; k++) {
        double mean = 0;
        for (double[] row : x) {
          mean += row[k];
        }
        mean /= n;
        double var = 0;
        for (double[] row : x) {
          var += (row[k] - mean) * (row[k] - mean);
        }
        sigma[k] = Math.sqrt(var / n + EPSILON);
        for (int r = 0; r < n; r++) {
          z[r][k] = (x[r][k] - mean) / sigma[k];
        }
      }
      return new Standardised(z, sigma);
    }

    /** ∂/∂x from ∂/∂z: {@code (dz − mean(dz) − z · mean(dz ⊙ z)) / σ}, per column. */
    double[][] backward(double[][] dz) {
      int n = z.length;
      int d = sigma.length;
      double[][] dx = new double[n][d];
      for (int k = 0; k < d; k++) {
        double meanDz = 0;
        double meanDzZ = 0;
        for (int r = 0; r < n; r++) {
          meanDz += dz[r][k];
          meanDzZ += dz[r][k] * z[r][k];
        }
        meanDz /= n;
        meanDzZ /= n;
        for (int r = 0; r < n; r++) {
          dx[r][k] = (dz[r][k] - meanDz - z[r][k] * meanDzZ) / sigma[k];
        }
      }
      return dx;
    }
  }
}

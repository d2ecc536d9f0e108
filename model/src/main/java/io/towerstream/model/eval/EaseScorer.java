package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * EASE (Steck, WWW 2019): item-item weights {@code B = I − P·diagMat(1/diag(P))} with the diagonal
 * forced to zero, {@code P = (XᵀX + λI)⁻¹}, X the binary user × item matrix of the training part; a
 * user's scores are {@code x_u·B}. Fitted once, in DOUBLE, on ND4J.
 */
public final class EaseScorer implements Scorer {
  private final TemporalSplit split;
  private final double[][] b;

  public EaseScorer(TemporalSplit split, double lambda) {
    this(split, Eigen.of(split), lambda);
  }

  EaseScorer(TemporalSplit split, Eigen eigen, double lambda) {
    this.split = split;
    int n = split.items.size();
    // P = Q diag(1/(Λ+λ)) Qᵀ: one eigendecomposition of the Gram matrix serves every λ.
    INDArray scaled = eigen.q.mulRowVector(eigen.values.add(lambda).rdivi(1.0).reshape(1, n));
    INDArray p = scaled.mmul(eigen.q.transpose());
    INDArray diag = Nd4j.diag(p);
    // B_ij = −P_ij / P_jj for i ≠ j, 0 on the diagonal.
    INDArray bm = p.divRowVector(diag.reshape(1, n)).negi();
    for (int i = 0; i < n; i++) {
      bm.putScalar(i, i, 0.0);
    }
    this.b = bm.toDoubleMatrix();
  }

  /**
   * Eigendecomposition {@code XᵀX = Q diag(values) Qᵀ} (LAPACK syev), eigenvectors in Q's columns.
   */
  static final class Eigen {
    final INDArray q;
    final INDArray values;

    private Eigen(INDArray q, INDArray values) {
      this.q = q;
      this.values = values;
    }

    static Eigen of(TemporalSplit split) {
      int n = split.items.size();
      double[][] gram = new double[n][n];
      for (Set<Integer> row : split.trainItems.values()) {
        int[] ix = row.stream().mapToInt(Integer::intValue).toArray();
        for (int a : ix) {
          for (int c : ix) {
            gram[a][c] += 1;
          }
        }
      }
      INDArray a = Nd4j.createFromArray(gram).dup('f');
      INDArray values = Nd4j.create(DataType.DOUBLE, n);
      Nd4j.getBlasWrapper().lapack().syev('V', 'U', a, values);
      return new Eigen(a, values);
    }
  }

  @Override
  public float[] scores(String userId) {
    int n = split.items.size();
    float[] s = new float[n];
    Set<Integer> row = split.trainItems.get(userId);
    if (row == null) {
      return s;
    }
    double[] acc = new double[n];
    for (int i : row) {
      double[] bi = b[i];
      for (int j = 0; j < n; j++) {
        acc[j] += bi[j];
      }
    }
    for (int j = 0; j < n; j++) {
      s[j] = (float) acc[j];
    }
    return s;
  }

  /**
   * λ from {@code grid} by Recall@20 when training on the first 90% of the training part and
   * testing on its last 10% (the same protocol, one level down).
   */
  public static double tuneLambda(List<Interaction> train, double[] grid) {
    return tuneLambda(train, grid, units -> {});
  }

  /**
   * As {@link #tuneLambda(List, double[])}, handing {@code progress} one unit for the
   * eigendecomposition and one per user ranked for each λ ({@link #tuningUnits} in all).
   */
  public static double tuneLambda(
      List<Interaction> train, double[] grid, java.util.function.LongConsumer progress) {
    TemporalSplit inner = new TemporalSplit(train, 0.9);
    Eigen eigen = Eigen.of(inner);
    progress.accept(1);
    double best = grid[0];
    double bestRecall = -1;
    for (double lambda : grid) {
      double r =
          RankingMetrics.evaluate(
                  inner, Baselines.counted(new EaseScorer(inner, eigen, lambda), progress), 20)
              .get("recall@20");
      if (r > bestRecall) {
        bestRecall = r;
        best = lambda;
      }
    }
    return best;
  }

  /** The units {@link #tuneLambda(List, double[], java.util.function.LongConsumer)} reports. */
  public static long tuningUnits(List<Interaction> train, double[] grid) {
    return 1 + (long) grid.length * new TemporalSplit(train, 0.9).relevant.size();
  }
}

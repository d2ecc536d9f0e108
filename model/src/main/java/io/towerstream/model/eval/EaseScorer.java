package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Set;

/**
 * EASE (Steck, WWW 2019): item-item weights {@code B = I − P·diagMat(1/diag(P))} with the diagonal
 * forced to zero, {@code P = (XᵀX + λI)⁻¹}, X the binary user × item matrix of the training part; a
 * user's scores are {@code x_u·B}. Fitted once per λ by {@link EaseFit} (a float Cholesky inverse).
 * An eigendecomposition in double, which would share one factorisation across every λ, is not used:
 * the double LAPACK routines of the OpenBLAS that ND4J bundles gave wrong results on AVX-512 CPUs
 * (the frozen EASE baseline fell from Recall@20 0.136 to 0.024 on MovieLens-100K).
 */
public final class EaseScorer implements Scorer {
  private final TemporalSplit split;
  private final int n;
  private final float[] b;

  public EaseScorer(TemporalSplit split, double lambda) {
    this(split, gram(split), lambda);
  }

  EaseScorer(TemporalSplit split, double[] gram, double lambda) {
    this.split = split;
    this.n = split.items.size();
    this.b = EaseFit.weights(gram, n, lambda);
  }

  /** {@code XᵀX} of the split's training part, row-major {@code items × items}. */
  static double[] gram(TemporalSplit split) {
    int n = split.items.size();
    double[] gram = new double[n * n];
    for (Set<Integer> row : split.trainItems.values()) {
      int[] ix = row.stream().mapToInt(Integer::intValue).toArray();
      for (int a : ix) {
        for (int c : ix) {
          gram[a * n + c] += 1;
        }
      }
    }
    return gram;
  }

  @Override
  public float[] scores(String userId) {
    float[] s = new float[n];
    Set<Integer> row = split.trainItems.get(userId);
    if (row == null) {
      return s;
    }
    double[] acc = new double[n];
    for (int i : row) {
      int off = i * n;
      for (int j = 0; j < n; j++) {
        acc[j] += b[off + j];
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
   * As {@link #tuneLambda(List, double[])}, handing {@code progress} one unit for the Gram matrix
   * and one per user ranked for each λ ({@link #tuningUnits} in all).
   */
  public static double tuneLambda(
      List<Interaction> train, double[] grid, java.util.function.LongConsumer progress) {
    TemporalSplit inner = new TemporalSplit(train, 0.9);
    double[] gram = gram(inner);
    progress.accept(1);
    double best = grid[0];
    double bestRecall = -1;
    for (double lambda : grid) {
      double r =
          RankingMetrics.evaluate(
                  inner, Baselines.counted(new EaseScorer(inner, gram, lambda), progress), 20)
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

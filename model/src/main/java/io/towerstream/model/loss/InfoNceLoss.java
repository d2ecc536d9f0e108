package io.towerstream.model.loss;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-batch sampled softmax (InfoNCE) with the log-Q correction of Yi et al. (RecSys 2019).
 *
 * <p>Inputs: user outputs {@code U} ({@code B × d}); candidate outputs {@code V} ({@code C × d}, {@code C ≥ B},
 * the first {@code B} rows are the rows' positive items, the rest sampled negatives); per-candidate
 * {@code logQ} (log of the expected number of times the candidate appears in a candidate set); per-row
 * weights {@code w}; candidate keys for the collision mask; temperature τ.
 *
 * <pre>
 *   L_ij  = U_i·V_j / τ − logQ_j          (every column, the positive i included)
 *   L_ij  = −∞ where j ≠ i is the same item as i's positive (see {@link CollisionMask})
 *   ℓ_i   = −L_ii + log Σ_j exp L_ij
 *   loss  = Σ_i w_i ℓ_i / Σ_i w_i
 *   ∂loss/∂L_ij = w̃_i (P_ij − δ_ij),  P = softmax_j(L_i·), w̃ = w / Σw
 *   G = (w̃/τ) ⊙ (P − I),   ∂loss/∂U = G·V,   ∂loss/∂V = Gᵀ·U
 * </pre>
 *
 * Subtracting logQ lowers the logits of often-sampled (popular) candidates, removing the bias by which
 * in-batch negatives over-penalise popular items; adding it would amplify that bias (TFRS #219). Every
 * operation works on the dtype of the inputs, so the gradients can be checked in DOUBLE.
 */
public final class InfoNceLoss {
  /** Below this a float probability has lost relative precision (or is 0), so −log P is not trusted. */
  private static final double MIN_ACCURATE_PROBABILITY = 1e-30;

  private InfoNceLoss() {}

  /**
   * Computes the loss and its gradients. Does not modify its arguments.
   *
   * @param logQ length-{@code C} vector, or null for no correction
   * @param weights length-{@code B} positive row weights
   * @param candidateKeys length-{@code C} item keys for the collision mask, or null for none
   */
  public static LossGradients compute(INDArray users, INDArray candidates, INDArray logQ, INDArray weights,
      int[] candidateKeys, double temperature) {
    int rows = (int) users.rows();
    int columns = (int) candidates.rows();
    validate(users, candidates, logQ, weights, candidateKeys, temperature, rows, columns);
    double invTemperature = 1.0 / temperature;
    DataType type = users.dataType();

    INDArray logits = correctedLogits(users, candidates, logQ, temperature);
    if (candidateKeys != null) {
      for (int[] pair : CollisionMask.maskedPairs(candidateKeys, rows)) {
        logits.putScalar(pair[0], pair[1], Double.NEGATIVE_INFINITY);
      }
    }
    INDArray probabilities = Nd4j.createUninitialized(type, rows, columns);
    Nd4j.exec(new SoftMax(logits, probabilities, 1)); // one fused native op instead of max/sub/exp/sum/div

    // ℓ_i = −log P_ii, from B numbers instead of further passes over the B × C matrix; a row whose P_ii
    // underflowed (tiny τ, hopeless positive) is recomputed exactly from its logits.
    double[] positiveProbabilities = diagonal(probabilities).dup().toDoubleVector();
    double[] w = weights.reshape(rows).toDoubleVector();
    double weightSum = 0;
    for (double x : w) {
      weightSum += x;
    }
    double loss = 0;
    double[] rowScale = new double[rows];
    for (int i = 0; i < rows; i++) {
      double p = positiveProbabilities[i];
      double rowLoss = p >= MIN_ACCURATE_PROBABILITY ? -Math.log(p) : exactRowLoss(logits, i);
      loss += w[i] / weightSum * rowLoss;
      rowScale[i] = w[i] / weightSum * invTemperature;
    }

    // G = (w̃/τ) ⊙ (P − I): the 1/τ of the logits and the −δ_ij of the positives folded into one scaling and
    // one update of the diagonal, so ∂/∂U = G·V and ∂/∂V = Gᵀ·U need no further element-wise work.
    INDArray scale = Nd4j.create(rowScale, new long[] {rows, 1}, type);
    INDArray g = probabilities.muliColumnVector(scale);
    diagonal(g).subi(scale.reshape(rows));
    INDArray dUsers = Nd4j.createUninitialized(type, rows, users.columns());
    Nd4j.gemm(g, candidates, dUsers, false, false, 1.0, 0.0);
    INDArray dCandidates = Nd4j.createUninitialized(type, columns, users.columns());
    Nd4j.gemm(g, users, dCandidates, true, false, 1.0, 0.0);
    return new LossGradients(loss, dUsers, dCandidates);
  }

  /**
   * The corrected logits {@code U·Vᵀ/τ − logQ} (no mask), a fresh {@code B × C} array. Exposed so the sign
   * of the correction can be tested directly.
   */
  public static INDArray correctedLogits(INDArray users, INDArray candidates, INDArray logQ, double temperature) {
    INDArray logits = Nd4j.createUninitialized(users.dataType(), users.rows(), candidates.rows());
    Nd4j.gemm(users, candidates, logits, false, true, 1.0 / temperature, 0.0);
    if (logQ != null) {
      logits.subiRowVector(logQ.reshape(1, candidates.rows()));
    }
    return logits;
  }

  /** {@code logsumexp_j L_ij − L_ii} for one row, stably, in double. */
  private static double exactRowLoss(INDArray logits, int row) {
    double[] l = logits.getRow(row).toDoubleVector();
    double max = Double.NEGATIVE_INFINITY;
    for (double x : l) {
      max = Math.max(max, x);
    }
    double sum = 0;
    for (double x : l) {
      sum += Math.exp(x - max);
    }
    return max + Math.log(sum) - l[row];
  }

  /** A strided view of the leading square block's diagonal, {@code a[i, i]} for {@code i < rows}. */
  private static INDArray diagonal(INDArray a) {
    return Nd4j.create(a.data(), new long[] {a.rows()}, new long[] {a.stride(0) + a.stride(1)}, a.offset(), 'c',
        a.dataType());
  }

  private static void validate(INDArray users, INDArray candidates, INDArray logQ, INDArray weights,
      int[] keys, double temperature, int rows, int columns) {
    if (users.rank() != 2 || candidates.rank() != 2 || users.columns() != candidates.columns()) {
      throw new IllegalArgumentException("users and candidates must be matrices of equal width, were "
          + shape(users) + " and " + shape(candidates));
    }
    if (columns < rows) {
      throw new IllegalArgumentException("need the " + rows + " positives among the candidates, got " + columns);
    }
    if (users.dataType() != candidates.dataType() || weights.dataType() != users.dataType()
        || (logQ != null && logQ.dataType() != users.dataType())) {
      throw new IllegalArgumentException("all inputs must share one dtype");
    }
    if (weights.length() != rows || (logQ != null && logQ.length() != columns)
        || (keys != null && keys.length != columns)) {
      throw new IllegalArgumentException("weights need " + rows + " entries, logQ and keys " + columns);
    }
    if (!(temperature > 0)) {
      throw new IllegalArgumentException("temperature must be positive, was " + temperature);
    }
  }

  private static String shape(INDArray a) {
    return java.util.Arrays.toString(a.shape());
  }
}

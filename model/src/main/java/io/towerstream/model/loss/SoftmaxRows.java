package io.towerstream.model.loss;

import static io.towerstream.model.loss.ScoredBatch.diagonal;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The InfoNCE family's row loss: row {@code i} of a score matrix {@code a = U·Vᵀ/τ} against its
 * target column {@code i}, with the log-Q correction, masked pairs, and the options of {@link
 * InfoNceOptions}. The formulas are on {@link InfoNceLoss}. Returns {@code ∂loss/∂(U·Vᵀ)}, so
 * callers need no further scaling.
 */
final class SoftmaxRows {
  /**
   * Below this a float probability has lost relative precision (or is 0), so −log P is not trusted.
   */
  private static final double MIN_ACCURATE_PROBABILITY = 1e-30;

  /**
   * @param loss Σ_i weights_i ℓ_i
   * @param gradient {@code ∂loss/∂(U·Vᵀ)}, {@code B × C}
   * @param floorLogScale the part of {@code ∂loss/∂log(1/τ)} from the debiasing floor {@code
   *     e^{−1/τ}}, which depends on τ other than through the scores
   */
  record Result(double loss, INDArray gradient, double floorLogScale) {}

  private SoftmaxRows() {}

  /**
   * Overwrites {@code scores} ({@code U·Vᵀ/τ}, {@code B × C}, {@code C ≥ B}).
   *
   * @param logQ length {@code C}, or null
   * @param masked {@code {i, j}} pairs that are neither target nor negative of row {@code i}
   * @param weights each row's share of the loss
   */
  static Result compute(
      INDArray scores,
      INDArray logQ,
      int[][] masked,
      double[] weights,
      InfoNceOptions options,
      double temperature) {
    return options.isPlain()
        ? plain(scores, logQ, masked, weights, temperature)
        : general(scores, logQ, masked, weights, options, temperature);
  }

  private static Result plain(
      INDArray logits, INDArray logQ, int[][] masked, double[] weights, double temperature) {
    int rows = (int) logits.rows();
    DataType type = logits.dataType();
    if (logQ != null) {
      logits.subiRowVector(logQ.reshape(1, logits.columns()));
    }
    for (int[] pair : masked) {
      logits.putScalar(pair[0], pair[1], Double.NEGATIVE_INFINITY);
    }
    INDArray probabilities = Nd4j.createUninitialized(type, logits.shape());
    Nd4j.exec(
        new SoftMax(
            logits, probabilities, 1)); // one fused native op instead of max/sub/exp/sum/div

    // ℓ_i = −log P_ii, from B numbers instead of further passes over the B × C matrix; a row whose
    // P_ii underflowed (tiny τ, hopeless positive) is recomputed exactly from its logits.
    double[] positiveProbabilities = diagonal(probabilities).dup().toDoubleVector();
    double loss = 0;
    double[] rowScale = new double[rows];
    for (int i = 0; i < rows; i++) {
      double p = positiveProbabilities[i];
      double rowLoss = p >= MIN_ACCURATE_PROBABILITY ? -Math.log(p) : exactRowLoss(logits, i);
      loss += weights[i] * rowLoss;
      rowScale[i] = weights[i] / temperature;
    }
    // G = (w/τ) ⊙ (P − I): the 1/τ of the logits and the −δ_ij of the targets folded into one
    // scaling and one update of the diagonal.
    INDArray scale = Nd4j.create(rowScale, new long[] {rows, 1}, type);
    INDArray g = probabilities.muliColumnVector(scale);
    diagonal(g).subi(scale.reshape(rows));
    return new Result(loss, g, 0.0);
  }

  /**
   * Hard-negative weighting and debiasing. Negatives are kept apart from the target: two {@code B ×
   * C} exponentials of the negatives' scores (one when β = 0), shifted by each row's largest
   * negative score and by the largest {@code −logQ} so neither overflows, summed per row; the rest
   * is per-row arithmetic in double.
   */
  private static Result general(
      INDArray a,
      INDArray logQ,
      int[][] masked,
      double[] weights,
      InfoNceOptions options,
      double temperature) {
    int rows = (int) a.rows();
    int columns = (int) a.columns();
    DataType type = a.dataType();
    double beta = options.hardNegativeBeta();
    double prior = options.positivePrior();

    double[] positiveScores = diagonal(a).dup().toDoubleVector();
    double[] q = logQ == null ? new double[columns] : logQ.toDoubleVector();
    double logCMax =
        Double.NEGATIVE_INFINITY; // log c_j = −logQ_j, c_j = 1/E[n_j], the importance weight
    for (double x : q) {
      logCMax = Math.max(logCMax, -x);
    }
    double[] c = new double[columns];
    double cTotal = 0;
    for (int j = 0; j < columns; j++) {
      c[j] = Math.exp(-q[j] - logCMax);
      cTotal += c[j];
    }
    // K_i = Σ over row i's negatives of c_j: the catalogue size those negatives stand for.
    double[] k = new double[rows];
    int[] negatives = new int[rows];
    for (int i = 0; i < rows; i++) {
      k[i] = cTotal - c[i];
      negatives[i] = columns - 1;
    }
    for (int[] pair : masked) {
      a.putScalar(pair[0], pair[1], Double.NEGATIVE_INFINITY);
      k[pair[0]] -= c[pair[1]];
      negatives[pair[0]]--;
    }
    diagonal(a).assign(Double.NEGATIVE_INFINITY);

    double[] max = a.max(1).toDoubleVector();
    for (int i = 0; i < rows; i++) {
      max[i] = negatives[i] == 0 ? 0.0 : max[i]; // a row of −∞ would give −∞ − (−∞) = NaN
    }
    a.subiColumnVector(Nd4j.create(max, new long[] {rows, 1}, type));
    INDArray logC =
        Nd4j.create(q, new long[] {1, columns}, DataType.DOUBLE).negi().subi(logCMax).castTo(type);
    INDArray importance = null; // exp(β·a_ij − logQ_j), shifted
    double[] importanceSum = null;
    if (beta > 0) {
      importance = Transforms.exp(a.mul(beta).addiRowVector(logC), false);
      importanceSum = importance.sum(1).toDoubleVector();
    }
    INDArray weighted =
        Transforms.exp(a.muli(1 + beta).addiRowVector(logC), false); // exp((1+β)a_ij − logQ_j)
    double[] weightedSum = weighted.sum(1).toDoubleVector();

    double loss = 0;
    double floorLogScale = 0;
    double[] diag = new double[rows];
    double[] alpha = new double[rows];
    double[] gamma = new double[rows];
    for (int i = 0; i < rows; i++) {
      if (negatives[i] == 0) {
        continue; // only the target is left: ℓ_i = 0 whatever the scores
      }
      double logK = Math.log(Math.max(k[i], Double.MIN_NORMAL)) + logCMax;
      double logA = Math.log(weightedSum[i]) + (1 + beta) * max[i] + logCMax;
      double logW = beta > 0 ? Math.log(importanceSum[i]) + beta * max[i] + logCMax : logK;
      double logR = logK + logA - logW; // the reweighted negative term R_i
      double positiveLogit = positiveScores[i] - q[i];
      double shift = Math.max(positiveLogit, logR); // every term below is relative to e^shift
      double r = Math.exp(logR - shift);
      double positive = Math.exp(positiveLogit - shift);
      double falseNegatives = prior > 0 ? prior * Math.exp(logK + positiveScores[i] - shift) : 0.0;
      double negative = (r - falseNegatives) / (1 - prior);
      boolean floored = false;
      if (prior > 0) {
        double floor = Math.exp(logK - 1 / temperature - shift);
        if (negative < floor) {
          negative = floor;
          floored = true;
        }
      }
      double d = positive + negative;
      loss += weights[i] * (shift + Math.log(d) - positiveLogit);
      double scale = weights[i] / temperature;
      if (floored) {
        diag[i] = scale * (positive / d - 1);
        floorLogScale -=
            weights[i] * negative / d / temperature; // ∂(K e^{−e^s})/∂s = −K e^{−1/τ}/τ
      } else {
        diag[i] = scale * (positive / d - 1 - falseNegatives / ((1 - prior) * d));
        double common = scale * r / ((1 - prior) * d);
        alpha[i] =
            weightedSum[i] > 0
                ? common * (1 + beta) / weightedSum[i]
                : 0.0; // r = 0 if it underflowed
        gamma[i] = beta > 0 && importanceSum[i] > 0 ? common * beta / importanceSum[i] : 0.0;
      }
    }
    INDArray g = weighted.muliColumnVector(Nd4j.create(alpha, new long[] {rows, 1}, type));
    if (importance != null) {
      g.subi(importance.muliColumnVector(Nd4j.create(gamma, new long[] {rows, 1}, type)));
    }
    diagonal(g).assign(Nd4j.create(diag, new long[] {rows}, type));
    return new Result(loss, g, floorLogScale);
  }

  /** {@code logsumexp_j L_ij − L_ii} for one row, stably, in double. */
  private static double exactRowLoss(INDArray logits, int row) {
    double[] l = logits.getRow(row).toDoubleVector();
    return logSumExp(l) - l[row];
  }

  /**
   * {@code log Σ_j e^{x_j}}, shifted by the maximum so that it neither overflows nor underflows.
   */
  static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}

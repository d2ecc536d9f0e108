package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Alignment alone: pull each user's output toward its positive item's, with no negatives, no
 * predictor and no stop-gradient.
 *
 * <pre>
 *   loss = Σ_i w̃_i ‖U_i − V_i‖²,   w̃ = w / Σw
 *   ∂loss/∂U_i = 2 w̃_i (U_i − V_i),   ∂loss/∂V_i = −2 w̃_i (U_i − V_i),   other candidates: 0
 * </pre>
 *
 * Its minimum is the trivial solution: every output the same point. It is here as the control of
 * the collapse monitor (a negative-free objective without the stop-gradient and predictor that keep
 * BYOL and SimSiam from collapsing, Chen &amp; He 2021), never as a way to train: the monitor's
 * effective rank and mean pairwise cosine must report it. Temperature, log-Q, keys and the queue do
 * not enter it.
 */
public final class AlignmentLoss implements ContrastiveLoss {
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
    int rows = batch.rows;
    INDArray diff = users.sub(batch.positives()); // B × d, fresh
    double[] rowSquares = diff.mul(diff).sum(1).toDoubleVector();
    double loss = 0;
    double[] scale = new double[rows];
    for (int i = 0; i < rows; i++) {
      loss += batch.weights[i] * rowSquares[i];
      scale[i] = 2 * batch.weights[i];
    }
    INDArray dUsers =
        diff.muliColumnVector(Nd4j.create(scale, new long[] {rows, 1}, users.dataType()));
    return new LossGradients(
        loss, dUsers, ScoredBatch.onPositivesOnly(dUsers.neg(), batch.candidates));
  }
}

package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * SimSiam (Chen &amp; He 2021): a negative-free objective kept from collapsing by a learned
 * predictor and a stop-gradient. A user and the item they clicked are the two views; the predictor
 * {@code P} ({@code d × d}, shared by both directions as in SimSiam) maps each onto the other,
 * whose output is held constant:
 *
 * <pre>
 *   loss = −½ Σ_i w̃_i [cos(U_i P, sg(V_i)) + cos(V_i P, sg(U_i))],   w̃ = w / Σw
 *   for a = x P, b = sg(y):  ∂cos/∂a = b / (‖a‖‖b‖) − cos · a / ‖a‖²
 *   ∂loss/∂U_i = g_i Pᵀ,  ∂loss/∂V_i = g'_i Pᵀ,  ∂loss/∂P = Uᵀ g + V_Bᵀ g'
 * </pre>
 *
 * with {@code g_i = −½ w̃_i ∂cos/∂a} at {@code a = U_i P}, and {@code g'} the same for the other
 * direction. Without the stop-gradient the minimum is the collapsed solution {@link AlignmentLoss}
 * finds; with it, each view chases a target that only moves through its own update. Sampled
 * negatives and the queue get no gradient; temperature, log-Q and keys do not enter it. BYOL is the
 * same with a momentum copy as the target instead of the stop-gradient one.
 */
public final class SimSiamLoss implements ContrastiveLoss {
  private final INDArray predictor;

  /**
   * @param predictor the {@code d × d} predictor, in the dtype of the tower outputs
   */
  public SimSiamLoss(INDArray predictor) {
    this.predictor = predictor;
  }

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
    INDArray positives = batch.positives();
    return compute(users, positives, users, positives, batch.weights, (int) candidates.rows());
  }

  /**
   * The loss with its targets as separate arguments, so that a gradient check can hold the
   * stop-gradient inputs constant while it perturbs the online ones.
   *
   * @param users online users {@code U} ({@code B × d})
   * @param positives online positive items {@code V_B} ({@code B × d})
   * @param userTargets the users' constant copy, the items' targets
   * @param positiveTargets the positives' constant copy, the users' targets
   * @param weights {@code w̃}, summing to 1
   * @param candidates rows of the candidate gradient (the sampled ones get zeros)
   */
  LossGradients compute(
      INDArray users,
      INDArray positives,
      INDArray userTargets,
      INDArray positiveTargets,
      double[] weights,
      int candidates) {
    checkPredictor(users);
    INDArray predictedItems = users.mmul(predictor);
    INDArray predictedUsers = positives.mmul(predictor);
    double[] loss = new double[1];
    INDArray gUsers = cosineGradient(predictedItems, positiveTargets, weights, loss);
    INDArray gItems = cosineGradient(predictedUsers, userTargets, weights, loss);
    INDArray dUsers = gUsers.mmul(predictor.transpose());
    INDArray dCandidates =
        ScoredBatch.onPositivesOnly(gItems.mmul(predictor.transpose()), candidates);
    INDArray dPredictor = users.transpose().mmul(gUsers).addi(positives.transpose().mmul(gItems));
    return new LossGradients(loss[0], dUsers, dCandidates, 0.0, 0.0, dPredictor, null);
  }

  /**
   * {@code −½ w̃_i ∂cos(a_i, b_i)/∂a_i} per row, a fresh {@code B × d}; adds {@code −½ Σ w̃_i
   * cos(a_i, b_i)} to {@code loss[0]}.
   */
  private static INDArray cosineGradient(INDArray a, INDArray b, double[] weights, double[] loss) {
    int rows = (int) a.rows();
    double[] dots = a.mul(b).sum(1).toDoubleVector();
    double[] aNorms = a.norm2(1).toDoubleVector();
    double[] bNorms = b.norm2(1).toDoubleVector();
    double[] onB = new double[rows];
    double[] onA = new double[rows];
    for (int i = 0; i < rows; i++) {
      double na = Math.max(aNorms[i], 1e-12);
      double nb = Math.max(bNorms[i], 1e-12);
      double cos = dots[i] / (na * nb);
      loss[0] -= 0.5 * weights[i] * cos;
      onB[i] = -0.5 * weights[i] / (na * nb);
      onA[i] = 0.5 * weights[i] * cos / (na * na);
    }
    long[] column = {rows, 1};
    return b.mulColumnVector(Nd4j.create(onB, column, a.dataType()))
        .addi(a.mulColumnVector(Nd4j.create(onA, column, a.dataType())));
  }

  private void checkPredictor(INDArray users) {
    if (predictor.rank() != 2
        || predictor.rows() != users.columns()
        || predictor.columns() != users.columns()
        || predictor.dataType() != users.dataType()) {
      throw new IllegalArgumentException(
          "the predictor must be "
              + users.columns()
              + " × "
              + users.columns()
              + " in the outputs' dtype, was "
              + java.util.Arrays.toString(predictor.shape())
              + " "
              + predictor.dataType());
    }
  }
}

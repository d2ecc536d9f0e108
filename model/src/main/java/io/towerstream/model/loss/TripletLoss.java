package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * FaceNet's triplet loss (Schroff et al., CVPR 2015) with semi-hard negative mining, on unit
 * vectors, where the squared distance is {@code d² = 2 − 2 s} with {@code s = U_i·V_j}:
 *
 * <pre>
 *   n(i)   = argmax_j { s_ij : s_ij &lt; s_ii }   (the hardest negative still farther than the positive),
 *            else argmin_j s_ij                  (none is: the farthest, as TensorFlow's semi-hard loss)
 *   loss   = Σ_i w̃_i max(0, m + d²_ii − d²_in(i)) = Σ_i w̃_i max(0, m + 2 s_in(i) − 2 s_ii)
 *   active row: ∂/∂U_i = 2 w̃_i (V_n − V_i),  ∂/∂V_i = −2 w̃_i U_i,  ∂/∂V_n += 2 w̃_i U_i
 * </pre>
 *
 * Negatives are the other candidates (batch positives, reservoir draws, the queue, which gets no
 * gradient), without row {@code i}'s own item or another positive of the same user ({@link
 * CollisionMask#sharedPositives}). The selection is piecewise constant, so the gradient is exact
 * wherever no two scores tie. The margin is in squared-distance units; temperature and log-Q do not
 * enter (log-Q corrects a softmax's sampling bias, and there is no softmax here).
 */
public final class TripletLoss implements ContrastiveLoss {
  private final double margin;

  public TripletLoss(double margin) {
    if (!(margin > 0) || margin > 4) {
      throw new IllegalArgumentException("margin must be in (0, 4], was " + margin);
    }
    this.margin = margin;
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
    int rows = batch.rows;
    int columns = (int) batch.columns.rows();
    double[][] s = batch.scores(1.0).toDoubleMatrix();
    boolean[][] excluded = new boolean[rows][columns];
    for (int[] pair : batch.sharedPositives) {
      excluded[pair[0]][pair[1]] = true;
    }
    double[][] g = new double[rows][columns];
    double loss = 0;
    for (int i = 0; i < rows; i++) {
      excluded[i][i] = true;
      int n = negative(s[i], s[i][i], excluded[i]);
      if (n < 0) {
        continue;
      }
      double hinge = margin + 2 * s[i][n] - 2 * s[i][i];
      if (hinge > 0) {
        loss += batch.weights[i] * hinge;
        g[i][n] += 2 * batch.weights[i];
        g[i][i] -= 2 * batch.weights[i];
      }
    }
    LossGradients back = batch.gradients(loss, Nd4j.create(g).castTo(users.dataType()), 0.0, 0.0);
    return new LossGradients(loss, back.dUsers(), back.dCandidates()); // no temperature to learn
  }

  /** The semi-hard negative of a row, else its farthest; -1 when every candidate is excluded. */
  private static int negative(double[] scores, double positive, boolean[] excluded) {
    int semiHard = -1;
    int farthest = -1;
    for (int j = 0; j < scores.length; j++) {
      if (excluded[j]) {
        continue;
      }
      if (scores[j] < positive && (semiHard < 0 || scores[j] > scores[semiHard])) {
        semiHard = j;
      }
      if (farthest < 0 || scores[j] < scores[farthest]) {
        farthest = j;
      }
    }
    return semiHard >= 0 ? semiHard : farthest;
  }
}

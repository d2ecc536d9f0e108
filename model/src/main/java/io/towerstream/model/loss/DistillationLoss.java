package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DINO's self-distillation (Caron et al. 2021) across the two towers: each view's distribution over
 * {@code K} learned prototypes is pulled to the other view's under a momentum teacher, whose logits
 * are centred (against collapse to one prototype) and sharpened (against the uniform distribution):
 *
 * <pre>
 *   P_s(x) = softmax(x C_sᵀ / τ_s),   P_t(y) = softmax((sg(y) C_tᵀ − c) / τ_t)
 *   loss   = ½ Σ_i w̃_i [H(P_t(V_i), P_s(U_i)) + H(P_t(U_i), P_s(V_i))],   H(p, q) = −Σ_k p_k log q_k
 *   G_x    = ½ w̃ (P_s(x) − P_t(y)),   ∂loss/∂x = G_x C_s / τ_s,   ∂loss/∂C_s = Σ G_xᵀ x / τ_s
 * </pre>
 *
 * {@code C_s} ({@code K × d}) is learned; the teacher's prototypes {@code C_t} are its momentum
 * copy and {@code c} the running mean of the teacher's logits, both kept by the caller, who gets
 * this batch's mean teacher logits ({@code y C_tᵀ} over both directions' {@code 2B} rows) as {@link
 * LossGradients#headStatistics()}. The teacher's inputs are the other tower's outputs under a
 * stop-gradient rather than a momentum copy of the towers: that would double the id tables. The
 * student temperature is the loss's temperature argument; sampled negatives and the queue get no
 * gradient, log-Q and keys do not enter.
 */
public final class DistillationLoss implements ContrastiveLoss {
  private final INDArray studentPrototypes;
  private final INDArray teacherPrototypes;
  private final INDArray center;
  private final double teacherTemperature;

  /**
   * @param studentPrototypes {@code K × d}, learned
   * @param teacherPrototypes {@code K × d}, the momentum copy
   * @param center length {@code K}, the teacher logits' running mean
   * @param teacherTemperature τ_t, below the student's to sharpen
   */
  public DistillationLoss(
      INDArray studentPrototypes,
      INDArray teacherPrototypes,
      INDArray center,
      double teacherTemperature) {
    if (!(teacherTemperature > 0)) {
      throw new IllegalArgumentException(
          "the teacher temperature must be positive, was " + teacherTemperature);
    }
    this.studentPrototypes = studentPrototypes;
    this.teacherPrototypes = teacherPrototypes;
    this.center = center.reshape(1, center.length());
    this.teacherTemperature = teacherTemperature;
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
    return compute(
        users, positives, users, positives, batch.weights, (int) candidates.rows(), temperature);
  }

  /**
   * The loss with the teacher's inputs as separate arguments, so that a gradient check can hold
   * them constant while it perturbs the student's.
   *
   * @param users the student's users {@code U}
   * @param positives the student's positive items {@code V_B}
   * @param userTargets the teacher's users (the items' teacher)
   * @param positiveTargets the teacher's items (the users' teacher)
   * @param weights {@code w̃}, summing to 1
   * @param candidates rows of the candidate gradient (the sampled ones get zeros)
   * @param studentTemperature τ_s
   */
  LossGradients compute(
      INDArray users,
      INDArray positives,
      INDArray userTargets,
      INDArray positiveTargets,
      double[] weights,
      int candidates,
      double studentTemperature) {
    checkShapes(users);
    int rows = (int) users.rows();
    double[] loss = new double[1];
    INDArray teacherOnItems = teacherLogits(positiveTargets);
    INDArray teacherOnUsers = teacherLogits(userTargets);
    INDArray gUsers = direction(users, teacherOnItems, weights, studentTemperature, loss);
    INDArray gItems = direction(positives, teacherOnUsers, weights, studentTemperature, loss);
    double inverse = 1.0 / studentTemperature;
    INDArray dUsers = gUsers.mmul(studentPrototypes).muli(inverse);
    INDArray dCandidates =
        ScoredBatch.onPositivesOnly(gItems.mmul(studentPrototypes).muli(inverse), candidates);
    INDArray dPrototypes =
        gUsers.transpose().mmul(users).addi(gItems.transpose().mmul(positives)).muli(inverse);
    INDArray teacherMean =
        teacherOnItems.sum(0).addi(teacherOnUsers.sum(0)).divi(2.0 * rows).reshape(-1);
    return new LossGradients(loss[0], dUsers, dCandidates, 0.0, 0.0, dPrototypes, teacherMean);
  }

  /** {@code y C_tᵀ}, uncentred: the statistic the caller's centre follows. */
  private INDArray teacherLogits(INDArray targets) {
    return targets.mmul(teacherPrototypes.transpose());
  }

  /**
   * {@code ½ w̃ (P_s − P_t)} for one direction, a fresh {@code B × K}; adds {@code ½ Σ w̃ H(P_t,
   * P_s)} to {@code loss[0]}.
   */
  private INDArray direction(
      INDArray students,
      INDArray teacherLogits,
      double[] weights,
      double studentTemperature,
      double[] loss) {
    double[][] s =
        students
            .mmul(studentPrototypes.transpose())
            .muli(1.0 / studentTemperature)
            .toDoubleMatrix();
    double[][] t =
        teacherLogits.subRowVector(center).muli(1.0 / teacherTemperature).toDoubleMatrix();
    int rows = s.length;
    int k = s[0].length;
    double[][] g = new double[rows][k];
    for (int i = 0; i < rows; i++) {
      double[] logStudent = logSoftmax(s[i]);
      double[] teacher = logSoftmax(t[i]);
      double h = 0;
      for (int j = 0; j < k; j++) {
        teacher[j] = Math.exp(teacher[j]);
        h -= teacher[j] * logStudent[j];
        g[i][j] = 0.5 * weights[i] * (Math.exp(logStudent[j]) - teacher[j]);
      }
      loss[0] += 0.5 * weights[i] * h;
    }
    return Nd4j.create(g).castTo(students.dataType());
  }

  private static double[] logSoftmax(double[] z) {
    double log = SoftmaxRows.logSumExp(z);
    double[] out = new double[z.length];
    for (int j = 0; j < z.length; j++) {
      out[j] = z[j] - log;
    }
    return out;
  }

  private void checkShapes(INDArray users) {
    long d = users.columns();
    long k = studentPrototypes.rows();
    if (studentPrototypes.columns() != d
        || teacherPrototypes.rows() != k
        || teacherPrototypes.columns() != d
        || center.length() != k
        || studentPrototypes.dataType() != users.dataType()
        || teacherPrototypes.dataType() != users.dataType()
        || center.dataType() != users.dataType()) {
      throw new IllegalArgumentException(
          "the prototypes must be K × "
              + d
              + " and the centre K long, all in the outputs' dtype; were "
              + java.util.Arrays.toString(studentPrototypes.shape())
              + ", "
              + java.util.Arrays.toString(teacherPrototypes.shape())
              + " and "
              + center.length());
    }
  }
}

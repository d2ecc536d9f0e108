package io.towerstream.model.loss;

import static io.towerstream.model.loss.ScoredBatch.diagonal;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The pairwise sigmoid loss of SigLIP (Zhai et al., ICCV 2023): every (row, candidate) pair is an
 * independent binary decision, so no softmax couples the candidates.
 *
 * <pre>
 *   x_ij  = U_i·V_j / τ + b − logQ_j
 *   z_ij  = +1 if candidate j is a positive of row i, else −1
 *   loss  = Σ_i w̃_i Σ_j −log σ(z_ij x_ij) = Σ_i w̃_i Σ_j softplus(−z_ij x_ij),   w̃ = w / Σw
 *   ∂loss/∂x_ij = −w̃_i z_ij σ(−z_ij x_ij),   ∂loss/∂b = Σ_ij ∂loss/∂x_ij
 * </pre>
 *
 * Candidate {@code j} is a positive of row {@code i} when it is row {@code i}'s positive, the same
 * item (another row's positive, a reservoir or queue draw of it), or the positive of another row of
 * the same user ({@link CollisionMask#sharedPositives}): where the softmax losses mask such a pair,
 * here it is a true pair and is labelled so. log-Q is subtracted from every logit as in {@link
 * InfoNceLoss}: an often-sampled candidate is pushed less per occurrence.
 *
 * <p><b>Bias and temperature.</b> With one positive among {@code C} candidates a row's labels are
 * almost all −1; starting from {@code b = 0} the first steps spend themselves pushing every logit
 * down. SigLIP therefore starts at {@code b = −10} with {@code 1/τ = 10}: {@link #INITIAL_BIAS},
 * {@link #INITIAL_TEMPERATURE}. The bias is a parameter of the caller, learned from {@link
 * LossGradients#dBias()}; a loss object carries the value for one step.
 */
public final class SigmoidPairwiseLoss implements ContrastiveLoss {
  /** SigLIP's initial bias. */
  public static final double INITIAL_BIAS = -10.0;

  /** SigLIP's initial temperature, {@code 1/t} with {@code t = 10}. */
  public static final double INITIAL_TEMPERATURE = 0.1;

  private final double bias;

  public SigmoidPairwiseLoss(double bias) {
    if (!Double.isFinite(bias)) {
      throw new IllegalArgumentException("bias must be finite, was " + bias);
    }
    this.bias = bias;
  }

  public double bias() {
    return bias;
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
    INDArray y = batch.scores(1.0 / temperature);
    if (batch.logQ != null) {
      y.subiRowVector(batch.logQ.reshape(1, y.columns()));
    }
    y.addi(bias);
    negatePositives(
        y, batch.sharedPositives); // y = −z ⊙ x: most labels are −1, so only the positives flip

    // softplus(y) = max(y, 0) + log(1 + e^{−|y|}): exp never overflows, whatever τ and b.
    INDArray softplus =
        Transforms.log1p(Transforms.exp(Transforms.abs(y, true).negi(), false), false)
            .addi(Transforms.relu(y, true));
    double[] rowLoss = softplus.sum(1).toDoubleVector();
    double loss = 0;
    double[] scale = new double[rows];
    for (int i = 0; i < rows; i++) {
      loss += batch.weights[i] * rowLoss[i];
      scale[i] = batch.weights[i] / temperature;
    }
    // ∂loss/∂(U·Vᵀ) = (w̃/τ) σ(y) (−z): the sign flip of y again on the positives.
    INDArray g =
        Transforms.sigmoid(y, false)
            .muliColumnVector(Nd4j.create(scale, new long[] {rows, 1}, y.dataType()));
    negatePositives(g, batch.sharedPositives);
    double dBias = g.sumNumber().doubleValue() * temperature;
    return batch.gradients(loss, g, 0.0, dBias);
  }

  private static void negatePositives(INDArray a, int[][] sharedPositives) {
    diagonal(a).negi();
    for (int[] pair : sharedPositives) {
      a.putScalar(pair[0], pair[1], -a.getDouble(pair[0], pair[1]));
    }
  }
}

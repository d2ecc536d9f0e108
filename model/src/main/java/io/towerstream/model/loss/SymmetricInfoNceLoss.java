package io.towerstream.model.loss;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * InfoNCE in both directions, as CLIP (Radford et al. 2021) trains: each user against every
 * candidate (exactly {@link InfoNceLoss}, log-Q corrected), and each positive item against the
 * batch's {@code B} users.
 *
 * <pre>
 *   a_ij  = U_i·V_j / τ
 *   ℓ→_i  = InfoNCE of row i over the C candidates, logits a_ij − logQ_j       (user → item)
 *   ℓ←_j  = InfoNCE of item j &lt; B over the B users, logits a_kj, target k = j   (item → user, no log-Q)
 *   loss  = ½ Σ_i w̃_i (ℓ→_i + ℓ←_i),  w̃ = w / Σw
 * </pre>
 *
 * The item→user direction has no correction because the inputs carry no estimate of how often a
 * user is sampled into a batch; CLIP uses none either. Masking is one relation used in both
 * directions: row {@code k}'s positive is also a positive of row {@code i} when it is the same item
 * or row {@code k} is the same user ({@link CollisionMask#sharedPositives}). Such a pair is masked
 * in row {@code i}'s softmax over items and in item {@code i}'s softmax over users; the relation is
 * symmetric, so the masks agree. The {@link InfoNceOptions} apply to both directions. A queue
 * extends only the user→item direction.
 */
public final class SymmetricInfoNceLoss implements ContrastiveLoss {
  private final InfoNceOptions options;

  public SymmetricInfoNceLoss(InfoNceOptions options) {
    this.options = options;
  }

  public InfoNceOptions options() {
    return options;
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
    INDArray scores = batch.scores(1.0 / temperature);
    // Item j's scores against the users, a_kj for every k, from a B × B × d gemm rather than a
    // strided transposed copy of the scores' leading block, which ND4J does element by element.
    INDArray byItem = Nd4j.createUninitialized(users.dataType(), rows, rows);
    Nd4j.gemm(batch.positives(), users, byItem, false, true, 1.0 / temperature, 0.0);
    double[] half = Arrays.stream(batch.weights).map(w -> w / 2).toArray();
    int[][] positivesBlock =
        Arrays.stream(batch.sharedPositives).filter(p -> p[1] < rows).toArray(int[][]::new);

    SoftmaxRows.Result toItems =
        SoftmaxRows.compute(scores, batch.logQ, batch.sharedPositives, half, options, temperature);
    SoftmaxRows.Result toUsers =
        SoftmaxRows.compute(byItem, null, positivesBlock, half, options, temperature);
    return batch.gradients(
        toItems.loss() + toUsers.loss(),
        toItems.gradient(),
        toUsers.gradient(),
        toItems.floorLogScale() + toUsers.floorLogScale(),
        0.0);
  }
}

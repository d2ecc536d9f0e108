package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * In-batch sampled softmax (InfoNCE) with the log-Q correction of Yi et al. (RecSys 2019),
 * optionally with hard-negative weighting (Robinson et al., ICLR 2021) and debiasing (Chuang et
 * al., NeurIPS 2020).
 *
 * <p>Inputs: user outputs {@code U} ({@code B × d}); candidate outputs {@code V} ({@code C × d},
 * {@code C ≥ B}, the first {@code B} rows are the rows' positive items, the rest sampled
 * negatives); per-candidate {@code logQ} (log of the expected number of times the candidate appears
 * in a candidate set); per-row weights {@code w}; candidate keys for the collision mask;
 * temperature τ.
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
 * Subtracting logQ lowers the logits of often-sampled (popular) candidates, removing the bias by
 * which in-batch negatives over-penalise popular items; adding it would amplify that bias (TFRS
 * #219). Every operation works on the dtype of the inputs, so the gradients can be checked in
 * DOUBLE.
 *
 * <p><b>Options.</b> Write {@code a_ij = U_i·V_j/τ}, {@code c_j = exp(−logQ_j)} (1 without
 * correction; the importance weight by which {@code Σ_j c_j f(j)} over the sampled negatives
 * estimates {@code Σ f} over the catalogue), {@code N_i} the negatives of row {@code i} (every
 * column but {@code i} and the masked ones), {@code K_i = Σ_{j∈N_i} c_j}. With β and τ⁺ of {@link
 * InfoNceOptions}:
 *
 * <pre>
 *   R_i   = K_i · Σ_{N_i} c_j e^{(1+β) a_ij} / Σ_{N_i} c_j e^{β a_ij}    hard-negative term (Robinson et al.)
 *   Ng_i  = max( (R_i − τ⁺ K_i e^{a_ii}) / (1 − τ⁺),  K_i e^{−1/τ} )    debiased (Chuang et al.); the floor
 *                                                                         only when τ⁺ &gt; 0
 *   ℓ_i   = −L_ii + log(e^{L_ii} + Ng_i)
 * </pre>
 *
 * Without log-Q this is exactly the HCL estimator (importance {@code e^{β a}} normalised to mean 1
 * over the negatives, {@code N·e^{a_ii}} for the expected false negatives, the floor {@code N
 * e^{−1/τ}}, valid because the outputs are unit vectors). With log-Q every sum over negatives is
 * the log-Q-weighted estimate of a catalogue sum, so the importance is normalised to mean 1 under
 * the same weights {@code c_j} and the count {@code N} becomes {@code K_i}; β only reweights by
 * similarity, never by popularity. With β = 0, τ⁺ = 0, {@code R_i = Σ_{N_i} e^{L_ij}}: plain
 * InfoNCE, computed then by the plain path. The reweighting is differentiated through, as in the
 * authors' code. Gradients: with {@code D_i = e^{L_ii} + Ng_i}, {@code p_ij = c_j e^{(1+β)a_ij} / Σ
 * c e^{(1+β)a}}, {@code r_ij = c_j e^{β a_ij} / Σ c e^{β a}}:
 *
 * <pre>
 *   ∂ℓ_i/∂a_ij = R_i ((1+β) p_ij − β r_ij) / ((1 − τ⁺) D_i)              j ∈ N_i, not floored
 *   ∂ℓ_i/∂a_ii = e^{L_ii}/D_i − 1 − τ⁺ K_i e^{a_ii} / ((1 − τ⁺) D_i)     (last term 0 if floored)
 * </pre>
 *
 * <p>With userKeys, rows of the same user also mask each other's positives; a {@link
 * QueuedNegatives} adds constant columns that get no gradient.
 */
public final class InfoNceLoss implements ContrastiveLoss {
  private final InfoNceOptions options;

  public InfoNceLoss(InfoNceOptions options) {
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
    return compute(
        ScoredBatch.of(
            users, candidates, logQ, weights, candidateKeys, userKeys, temperature, queue),
        options,
        temperature);
  }

  /** The loss over an already scored batch's masked pairs and its gradients. */
  static LossGradients compute(ScoredBatch batch, InfoNceOptions options, double temperature) {
    SoftmaxRows.Result r =
        SoftmaxRows.compute(
            batch.scores(1.0 / temperature),
            batch.logQ,
            batch.sharedPositives,
            batch.weights,
            options,
            temperature);
    return batch.gradients(r.loss(), r.gradient(), r.floorLogScale(), 0.0);
  }

  /**
   * Plain InfoNCE with the collision mask, no user keys and no queue. Does not modify its
   * arguments.
   *
   * @param logQ length-{@code C} vector, or null for no correction
   * @param weights length-{@code B} positive row weights
   * @param candidateKeys length-{@code C} item keys for the collision mask, or null for none
   */
  public static LossGradients compute(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      double temperature) {
    return new InfoNceLoss(InfoNceOptions.PLAIN)
        .compute(users, candidates, logQ, weights, candidateKeys, null, temperature, null);
  }

  /**
   * The corrected logits {@code U·Vᵀ/τ − logQ} (no mask), a fresh {@code B × C} array. Exposed so
   * the sign of the correction can be tested directly.
   */
  public static INDArray correctedLogits(
      INDArray users, INDArray candidates, INDArray logQ, double temperature) {
    INDArray logits = Nd4j.createUninitialized(users.dataType(), users.rows(), candidates.rows());
    Nd4j.gemm(users, candidates, logits, false, true, 1.0 / temperature, 0.0);
    if (logQ != null) {
      logits.subiRowVector(logQ.reshape(1, candidates.rows()));
    }
    return logits;
  }
}

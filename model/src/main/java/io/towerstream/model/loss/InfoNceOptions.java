package io.towerstream.model.loss;

/**
 * Options of the InfoNCE family ({@link InfoNceLoss}, {@link SymmetricInfoNceLoss}); immutable.
 *
 * @param hardNegativeBeta β ≥ 0 of Robinson et al. (ICLR 2021): negatives are reweighted by {@code
 *     exp(β·U_i·V_j/τ)}, normalised to mean 1; 0 is plain InfoNCE
 * @param positivePrior τ⁺ ∈ [0, 1) of Chuang et al. (NeurIPS 2020): the probability that a sampled
 *     negative is in fact a positive, whose expected share is removed from the negative term; 0 is
 *     plain InfoNCE
 */
public record InfoNceOptions(double hardNegativeBeta, double positivePrior) {
  /** Plain InfoNCE with the log-Q correction: β = 0, τ⁺ = 0. */
  public static final InfoNceOptions PLAIN = new InfoNceOptions(0.0, 0.0);

  public InfoNceOptions {
    if (!(hardNegativeBeta >= 0) || Double.isInfinite(hardNegativeBeta)) {
      throw new IllegalArgumentException(
          "hardNegativeBeta must be finite and ≥ 0, was " + hardNegativeBeta);
    }
    if (!(positivePrior >= 0 && positivePrior < 1)) {
      throw new IllegalArgumentException("positivePrior must be in [0, 1), was " + positivePrior);
    }
  }

  /** True when neither option changes the loss, so the single fused-softmax path applies. */
  public boolean isPlain() {
    return hardNegativeBeta == 0 && positivePrior == 0;
  }
}

package io.towerstream.model.monitor;

/**
 * How far embeddings are from collapse, measured on unit vectors.
 *
 * @param alignment mean {@code ‖u − i‖²} over recent positive (user, item) pairs, in [0, 4]: low is
 *     aligned (Wang &amp; Isola 2020, α = 2)
 * @param uniformity {@code log mean exp(−2‖x − y‖²)} over pairs of items, in [−4, 0]: 0 when every
 *     item is the same point, lower is more uniform on the sphere (Wang &amp; Isola 2020, t = 2)
 * @param effectiveRank {@code exp(H(σ / Σσ))} of the item matrix's singular values (Roy &amp;
 *     Vetterli 2007), from 1 (all items on one line) to the dimension
 * @param meanCosine mean cosine between distinct items: 1 when collapsed to one point
 * @param items how many items were measured (0: nothing to measure yet, every figure NaN)
 */
public record CollapseMetrics(
    double alignment, double uniformity, double effectiveRank, double meanCosine, int items) {

  /** Nothing measured. */
  public static final CollapseMetrics NONE =
      new CollapseMetrics(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);

  /**
   * Collapsed: the items' effective rank is at most {@code maxRank} or their mean cosine at least
   * {@code minCosine}. Never true for {@link #NONE}.
   */
  public boolean collapsed(double maxRank, double minCosine) {
    return items > 1 && (effectiveRank <= maxRank || meanCosine >= minCosine);
  }
}

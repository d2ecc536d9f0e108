package io.towerstream.model.sampling;

/**
 * log Q for a mixed candidate set: the {@code B} in-batch positives plus {@code M} reservoir draws.
 *
 * <p>Derivation. A sampled softmax approximates the full softmax over the catalogue with a
 * candidate set {@code S}; it is unbiased in the limit when every candidate's logit is corrected by
 * {@code −log E[n_j]}, where {@code n_j} is the number of times item {@code j} appears in {@code S}
 * (for a single draw this is the familiar {@code −log q_j}; constant factors cancel in the softmax,
 * so only the relative expected counts matter). By linearity of expectation over the two
 * independent sources:
 *
 * <pre>
 *   E[n_j] = E[#in-batch columns equal to j] + E[#reservoir draws equal to j]
 *          ≈ q_batch(j)                       + M · p_res(j)
 * </pre>
 *
 * where {@code q_batch(j)} is the streaming estimate of the probability that {@code j} occurs in a
 * batch ({@link FrequencyEstimator}; ≈ its expected count per batch for items rarer than once per
 * batch) and {@code p_res(j)} is the exact per-draw probability reported by {@link
 * NegativeReservoir}. The constant factor matters here, unlike with one source: using {@code
 * q_batch} alone would treat a tail item the reservoir proposes often as if it were rare. Hence
 * {@code logQ_j = log(q_batch(j) + M · p_res(j))}.
 */
public final class CandidateLogQ {
  private CandidateLogQ() {}

  /**
   * @param batchProbability {@code q_batch(j)} in (0, 1]
   * @param reservoirProbability {@code p_res(j)}, 0 when {@code j} is not in the reservoir
   * @param draws {@code M}, the number of reservoir draws in this candidate set
   */
  public static double of(double batchProbability, double reservoirProbability, int draws) {
    return of(batchProbability, reservoirProbability, draws, 0.0);
  }

  /**
   * With a third source, a queue of the positives of the last {@code queueBatches} batches (MoCo):
   * each of those batches held {@code j} with probability {@code q_batch(j)}, so the queue adds
   * {@code queueBatches · q_batch(j)} to {@code E[n_j]}.
   */
  public static double of(
      double batchProbability, double reservoirProbability, int draws, double queueBatches) {
    return Math.log(
        batchProbability + draws * reservoirProbability + queueBatches * batchProbability);
  }
}

package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A retrieval loss over one batch: users {@code U} ({@code B × d}), candidates {@code V} ({@code C
 * × d}, {@code C ≥ B}, row {@code i < B} is row {@code i}'s positive item, the rest sampled
 * negatives). Implementations work in the dtype of the inputs (FLOAT to train, DOUBLE to check
 * gradients) and do not modify their arguments.
 */
public interface ContrastiveLoss {
  /**
   * Computes the loss and its gradients, including {@link LossGradients#dLogScale()}.
   *
   * @param logQ length-{@code C} log of each candidate's expected count in a candidate set, or null
   *     for none
   * @param weights length-{@code B} positive row weights
   * @param candidateKeys length-{@code C} item keys, or null: a candidate with the key of row
   *     {@code i}'s positive is that item again, never a negative of row {@code i}
   * @param userKeys length-{@code B} user keys, or null: rows of the same user share their
   *     positives
   * @param queue constant extra negatives that get no gradient, or null
   */
  LossGradients compute(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      int[] userKeys,
      double temperature,
      QueuedNegatives queue);

  /** The same without a queue. */
  default LossGradients compute(
      INDArray users,
      INDArray candidates,
      INDArray logQ,
      INDArray weights,
      int[] candidateKeys,
      int[] userKeys,
      double temperature) {
    return compute(users, candidates, logQ, weights, candidateKeys, userKeys, temperature, null);
  }
}

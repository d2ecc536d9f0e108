package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss value and its gradients.
 *
 * @param loss the weighted mean loss over the rows
 * @param dUsers {@code B × d} gradient with respect to the user outputs
 * @param dCandidates {@code C × d} gradient with respect to the candidate outputs (queued negatives
 *     get none)
 * @param dLogScale derivative with respect to {@code log(1/τ)}, for a learned temperature as in
 *     CLIP, where the logit scale is learned in log space so that it stays positive
 * @param dBias derivative with respect to the logit bias of a sigmoid loss; 0 for the softmax
 *     losses
 * @param dHead gradient with respect to the loss's own dense weights (SimSiam's {@code d × d}
 *     predictor, DINO's {@code K × d} prototypes), or null for a loss without any
 * @param headStatistics what the loss's head keeps a running value of, or null (DINO: the batch's
 *     mean teacher logits, for the centre)
 */
public record LossGradients(
    double loss,
    INDArray dUsers,
    INDArray dCandidates,
    double dLogScale,
    double dBias,
    INDArray dHead,
    INDArray headStatistics) {
  /** For a loss without a head of its own. */
  public LossGradients(
      double loss, INDArray dUsers, INDArray dCandidates, double dLogScale, double dBias) {
    this(loss, dUsers, dCandidates, dLogScale, dBias, null, null);
  }

  /** For a loss that learns neither temperature nor bias: both derivatives are reported as 0. */
  public LossGradients(double loss, INDArray dUsers, INDArray dCandidates) {
    this(loss, dUsers, dCandidates, 0.0, 0.0);
  }
}

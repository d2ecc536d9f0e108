package io.towerstream.model.loss;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A loss value and its gradients.
 *
 * @param loss the weighted mean loss over the rows
 * @param dUsers {@code B × d} gradient with respect to the user outputs
 * @param dCandidates {@code C × d} gradient with respect to the candidate outputs
 */
public record LossGradients(double loss, INDArray dUsers, INDArray dCandidates) {}

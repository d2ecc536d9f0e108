package io.towerstream.model.tower;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tower's forward pass over a batch.
 *
 * @param embeddings the {@code n × d} inputs
 * @param projected {@code n × d} inputs after the projection (the inputs without one): the MLP's
 *     input
 * @param hidden {@code n × h} MLP hidden activations {@code relu(z·W₁ + b₁)}, null without an MLP
 * @param norms {@code n × 1} norms of the rows before normalisation (clamped away from zero)
 * @param outputs {@code n × d} L2-normalised outputs
 */
public record TowerActivations(
    INDArray embeddings, INDArray projected, INDArray hidden, INDArray norms, INDArray outputs) {}

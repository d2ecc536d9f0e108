package io.towerstream.model.tower;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A tower's forward pass over a batch.
 *
 * @param embeddings the {@code n × d} inputs
 * @param norms {@code n × 1} norms of the projected rows (clamped away from zero)
 * @param outputs {@code n × d} L2-normalised outputs
 */
public record TowerActivations(INDArray embeddings, INDArray norms, INDArray outputs) {}

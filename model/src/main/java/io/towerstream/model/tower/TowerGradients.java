package io.towerstream.model.tower;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * @param embeddings {@code n × d} gradient with respect to the id embeddings
 * @param projection {@code d × d} gradient with respect to the projection, null without one
 * @param mlp gradients with respect to the MLP's weights (same shapes), null without one
 */
public record TowerGradients(INDArray embeddings, INDArray projection, ResidualMlp.Params mlp) {}

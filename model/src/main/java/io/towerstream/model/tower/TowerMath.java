package io.towerstream.model.tower;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The tower function {@code out = normalise(e · W)} (or {@code normalise(e)} without a projection) on whole
 * batches, forward and backward, in a handful of ND4J calls whatever the batch size. Works in the dtype of
 * its inputs, so gradients can be checked in DOUBLE.
 *
 * <p>Backward through the L2 normalisation {@code o = z/‖z‖}: {@code ∂L/∂z = (g − o·(g·o)) / ‖z‖}, the
 * component of the upstream gradient orthogonal to the output, scaled by the inverse norm. Through the
 * projection: {@code ∂L/∂e = ∂L/∂z · Wᵀ}, {@code ∂L/∂W = eᵀ · ∂L/∂z}.
 */
public final class TowerMath {
  /** Norms are clamped here so a zero row yields zeros instead of NaN (the guard would drop the step). */
  private static final double MIN_NORM = 1e-12;

  private TowerMath() {}

  /**
   * @param embeddings {@code n × d} id embeddings
   * @param projection {@code d × d} weights, or null for none
   * @return activations holding the outputs and what backward needs; the inputs are not modified
   */
  public static TowerActivations forward(INDArray embeddings, INDArray projection) {
    INDArray projected = projection == null ? embeddings : embeddings.mmul(projection);
    INDArray norms = Transforms.max(projected.norm2(true, 1), MIN_NORM, false);
    INDArray outputs = projected.divColumnVector(norms);
    return new TowerActivations(embeddings, norms, outputs);
  }

  /**
   * @param dOutputs {@code n × d} gradient of the loss with respect to the outputs; not modified
   * @return gradients with respect to the embeddings and (when {@code projection != null}) the weights
   */
  public static TowerGradients backward(TowerActivations a, INDArray projection, INDArray dOutputs) {
    INDArray radial = dOutputs.mul(a.outputs()).sum(true, 1);
    INDArray dProjected = dOutputs.sub(a.outputs().mulColumnVector(radial)).diviColumnVector(a.norms());
    if (projection == null) {
      return new TowerGradients(dProjected, null);
    }
    INDArray dEmbeddings = dProjected.mmul(projection.transpose());
    INDArray dProjection = a.embeddings().transpose().mmul(dProjected);
    return new TowerGradients(dEmbeddings, dProjection);
  }
}

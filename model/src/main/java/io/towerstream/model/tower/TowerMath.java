package io.towerstream.model.tower;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The tower function {@code out = normalise(mlp(e · W))} on whole batches, forward and backward, in
 * a handful of ND4J calls whatever the batch size; the projection {@code W} and the residual MLP
 * {@code mlp(z) = z + relu(z·W₁ + b₁)·W₂} are each optional. Works in the dtype of its inputs, so
 * gradients can be checked in DOUBLE.
 *
 * <p>Backward through the L2 normalisation {@code o = y/‖y‖}: {@code ∂L/∂y = (g − o·(g·o)) / ‖y‖},
 * the component of the upstream gradient orthogonal to the output, scaled by the inverse norm.
 * Through the MLP, with {@code p = z·W₁ + b₁}, {@code h = relu(p)}: {@code ∂L/∂W₂ = hᵀ·∂L/∂y},
 * {@code ∂L/∂p = (∂L/∂y · W₂ᵀ) ⊙ [p > 0]}, {@code ∂L/∂W₁ = zᵀ·∂L/∂p}, {@code ∂L/∂b₁ = Σ_rows
 * ∂L/∂p}, {@code ∂L/∂z = ∂L/∂y + ∂L/∂p · W₁ᵀ}. Through the projection: {@code ∂L/∂e = ∂L/∂z · Wᵀ},
 * {@code ∂L/∂W = eᵀ · ∂L/∂z}.
 */
public final class TowerMath {
  /**
   * Norms are clamped here so a zero row yields zeros instead of NaN (the guard would drop the
   * step).
   */
  private static final double MIN_NORM = 1e-12;

  private TowerMath() {}

  /** {@link #forward(INDArray, INDArray, ResidualMlp.Params)} without an MLP. */
  public static TowerActivations forward(INDArray embeddings, INDArray projection) {
    return forward(embeddings, projection, null);
  }

  /**
   * @param embeddings {@code n × d} id embeddings
   * @param projection {@code d × d} weights, or null for none
   * @param mlp the residual MLP's weights, or null for none
   * @return activations holding the outputs and what backward needs; the inputs are not modified
   */
  public static TowerActivations forward(
      INDArray embeddings, INDArray projection, ResidualMlp.Params mlp) {
    INDArray projected = projection == null ? embeddings : embeddings.mmul(projection);
    INDArray hidden = null;
    INDArray y = projected;
    if (mlp != null) {
      hidden = Transforms.relu(projected.mmul(mlp.w1()).addiRowVector(mlp.b1()), false);
      y = hidden.mmul(mlp.w2()).addi(projected);
    }
    INDArray norms = Transforms.max(y.norm2(true, 1), MIN_NORM, false);
    INDArray outputs = y.divColumnVector(norms);
    return new TowerActivations(embeddings, projected, hidden, norms, outputs);
  }

  /** {@link #backward(TowerActivations, INDArray, ResidualMlp.Params, INDArray)} without an MLP. */
  public static TowerGradients backward(
      TowerActivations a, INDArray projection, INDArray dOutputs) {
    return backward(a, projection, null, dOutputs);
  }

  /**
   * @param dOutputs {@code n × d} gradient of the loss with respect to the outputs; not modified
   * @return gradients with respect to the embeddings and the weights present
   */
  public static TowerGradients backward(
      TowerActivations a, INDArray projection, ResidualMlp.Params mlp, INDArray dOutputs) {
    INDArray radial = dOutputs.mul(a.outputs()).sum(true, 1);
    INDArray dY = dOutputs.sub(a.outputs().mulColumnVector(radial)).diviColumnVector(a.norms());
    INDArray dProjected = dY;
    ResidualMlp.Params dMlp = null;
    if (mlp != null) {
      // relu(p) > 0 exactly where p > 0, so the kept activations give the mask too
      INDArray dPre = dY.mmul(mlp.w2().transpose()).muli(a.hidden().gt(0).castTo(dY.dataType()));
      dMlp =
          new ResidualMlp.Params(
              a.projected().transpose().mmul(dPre),
              dPre.sum(true, 0),
              a.hidden().transpose().mmul(dY));
      dProjected = dY.add(dPre.mmul(mlp.w1().transpose()));
    }
    if (projection == null) {
      return new TowerGradients(dProjected, null, dMlp);
    }
    INDArray dEmbeddings = dProjected.mmul(projection.transpose());
    INDArray dProjection = a.embeddings().transpose().mmul(dProjected);
    return new TowerGradients(dEmbeddings, dProjection, dMlp);
  }
}

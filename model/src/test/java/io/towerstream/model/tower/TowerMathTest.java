package io.towerstream.model.tower;

import static io.towerstream.model.NumericalGradient.assertMatches;
import static io.towerstream.model.NumericalGradient.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.loss.InfoNceLoss;
import io.towerstream.model.loss.LossGradients;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class TowerMathTest {
  private static final int DIM = 4;
  private final Random random = new Random(5);

  @Test
  void outputsAreUnitRows() {
    INDArray e = gaussian(random, 6, DIM, 3.0);
    INDArray w = gaussian(random, DIM, DIM, 1.0);
    for (INDArray projection : new INDArray[] {null, w}) {
      INDArray norms = TowerMath.forward(e, projection).outputs().norm2(1);
      for (int i = 0; i < 6; i++) {
        assertThat(norms.getDouble(i)).isCloseTo(1.0, within(1e-12));
      }
    }
  }

  @Test
  void normalisationGradientMatchesFiniteDifferences() {
    checkTowerAlone(null);
  }

  @Test
  void projectionAndNormalisationGradientsMatchFiniteDifferences() {
    checkTowerAlone(Nd4j.eye(DIM).castTo(DataType.DOUBLE).addi(gaussian(random, DIM, DIM, 0.3)));
  }

  @Test
  void wholeChainThroughInfoNceMatchesFiniteDifferences() {
    INDArray userEmbeddings = gaussian(random, 3, DIM, 0.5);
    INDArray itemEmbeddings = gaussian(random, 5, DIM, 0.5);
    INDArray userW = Nd4j.eye(DIM).castTo(DataType.DOUBLE).addi(gaussian(random, DIM, DIM, 0.3));
    INDArray itemW = Nd4j.eye(DIM).castTo(DataType.DOUBLE).addi(gaussian(random, DIM, DIM, 0.3));
    INDArray logQ =
        Nd4j.create(new double[] {-1, -0.2, -3, -1.5, -0.7}, new long[] {5}, DataType.DOUBLE);
    INDArray weights = Nd4j.create(new double[] {1, 2, 0.5}, new long[] {3}, DataType.DOUBLE);
    int[] keys = {1, 2, 3, 2, 4};
    double temperature = 0.3;
    java.util.function.DoubleSupplier loss =
        () ->
            InfoNceLoss.compute(
                    TowerMath.forward(userEmbeddings, userW).outputs(),
                    TowerMath.forward(itemEmbeddings, itemW).outputs(),
                    logQ,
                    weights,
                    keys,
                    temperature)
                .loss();

    TowerActivations u = TowerMath.forward(userEmbeddings, userW);
    TowerActivations v = TowerMath.forward(itemEmbeddings, itemW);
    LossGradients top =
        InfoNceLoss.compute(u.outputs(), v.outputs(), logQ, weights, keys, temperature);
    TowerGradients du = TowerMath.backward(u, userW, top.dUsers());
    TowerGradients dv = TowerMath.backward(v, itemW, top.dCandidates());

    assertMatches("dL/dE_user", userEmbeddings, du.embeddings(), loss);
    assertMatches("dL/dE_item", itemEmbeddings, dv.embeddings(), loss);
    assertMatches("dL/dW_user", userW, du.projection(), loss);
    assertMatches("dL/dW_item", itemW, dv.projection(), loss);
  }

  @Test
  void mlpGradientsMatchFiniteDifferencesWithAndWithoutProjection() {
    for (INDArray projection :
        new INDArray[] {
          null, Nd4j.eye(DIM).castTo(DataType.DOUBLE).addi(gaussian(random, DIM, DIM, 0.3))
        }) {
      ResidualMlp.Params mlp =
          new ResidualMlp.Params(
              gaussian(random, DIM, 3, 0.8),
              gaussian(random, 1, 3, 0.3),
              gaussian(random, 3, DIM, 0.5));
      INDArray embeddings = gaussian(random, 5, DIM, 1.0);
      INDArray upstream = gaussian(random, 5, DIM, 1.0);
      java.util.function.DoubleSupplier loss =
          () ->
              TowerMath.forward(embeddings, projection, mlp)
                  .outputs()
                  .mul(upstream)
                  .sumNumber()
                  .doubleValue();
      TowerGradients g =
          TowerMath.backward(
              TowerMath.forward(embeddings, projection, mlp), projection, mlp, upstream);
      assertMatches("dL/dE", embeddings, g.embeddings(), loss);
      assertMatches("dL/dW1", mlp.w1(), g.mlp().w1(), loss);
      assertMatches("dL/db1", mlp.b1(), g.mlp().b1(), loss);
      assertMatches("dL/dW2", mlp.w2(), g.mlp().w2(), loss);
      if (projection != null) {
        assertMatches("dL/dW", projection, g.projection(), loss);
      }
    }
  }

  @Test
  void aFreshMlpIsTheIdentityAndStillGetsAGradient() {
    io.towerstream.model.random.SeededRandom r = new io.towerstream.model.random.SeededRandom(3);
    Tower plain = new Tower(DIM, false, 0, r);
    Tower withMlp = new Tower(DIM, false, 6, r);
    float[] e = {0.3f, -1f, 0.2f, 0.5f, 1f, 0f, -0.4f, 0.1f};
    assertThat(withMlp.outputs(e, 2, DIM)).containsExactly(plain.outputs(e, 2, DIM));
    INDArray rows = io.towerstream.model.nd.NdArrays.floatMatrix(e, 2, DIM);
    TowerActivations a = TowerMath.forward(rows, null, withMlp.mlpParams());
    INDArray upstream = Nd4j.create(new float[] {1, 0, 0, 0, 0, 1, 0, 0}, new long[] {2, DIM});
    TowerGradients g = TowerMath.backward(a, null, withMlp.mlpParams(), upstream);
    assertThat(g.mlp().w2().norm2Number().doubleValue())
        .as("W₂ learns from the first step")
        .isPositive();
    float[] flat = withMlp.headGradient(g);
    assertThat(flat).hasSize(DIM * 6 + 6 + 6 * DIM);
    withMlp.updateHead(flat, 1f, 0.1f);
    assertThat(withMlp.outputs(e, 2, DIM)).isNotEqualTo(plain.outputs(e, 2, DIM));
  }

  /** Loss Σ R ⊙ tower(E, W) for a fixed random R. */
  private void checkTowerAlone(INDArray projection) {
    INDArray embeddings = gaussian(random, 5, DIM, 1.0);
    INDArray upstream = gaussian(random, 5, DIM, 1.0);
    java.util.function.DoubleSupplier loss =
        () ->
            TowerMath.forward(embeddings, projection)
                .outputs()
                .mul(upstream)
                .sumNumber()
                .doubleValue();
    TowerGradients g =
        TowerMath.backward(TowerMath.forward(embeddings, projection), projection, upstream);
    assertMatches("dL/dE", embeddings, g.embeddings(), loss);
    if (projection == null) {
      assertThat(g.projection()).isNull();
    } else {
      assertMatches("dL/dW", projection, g.projection(), loss);
    }
  }
}

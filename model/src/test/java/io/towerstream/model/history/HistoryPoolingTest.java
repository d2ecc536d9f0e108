package io.towerstream.model.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.loss.InfoNceLoss;
import io.towerstream.model.loss.LossGradients;
import io.towerstream.model.tower.TowerActivations;
import io.towerstream.model.tower.TowerMath;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class HistoryPoolingTest {
  private static final int DIM = 3;
  private final Random random = new Random(17);

  @Test
  void addsTheMeanOfEachRowsHistoryAndLeavesAnEmptyHistoryAlone() {
    float[] ids = {1, 0, 0, /* */ 0, 1, 0};
    float[] pooled = {2, 0, 0, /* */ 0, 0, 4}; // both belong to row 0
    float[] z = HistoryPooling.forward(ids, pooled, new int[] {0, 2, 2}, DIM);
    assertThat(z).containsExactly(2, 0, 2, /* */ 0, 1, 0);
    assertThat(ids).containsExactly(1, 0, 0, 0, 1, 0); // not modified
  }

  @Test
  void recencyWeightsFavourTheNewestItemAndSumToOne() {
    assertThat(new RecencyWeights(3, 0.5).of(3)).containsExactly(1f / 7, 2f / 7, 4f / 7);
    assertThat(new RecencyWeights(4, 1.0).of(4)).containsExactly(0.25f, 0.25f, 0.25f, 0.25f);
    float[] ids = new float[DIM];
    float[] pooled = {7, 0, 0, /* */ 0, 7, 0, /* */ 0, 0, 7}; // oldest first
    float[] z =
        HistoryPooling.forward(ids, pooled, new int[] {0, 3}, DIM, new RecencyWeights(3, 0.5));
    assertThat(z[0]).isCloseTo(1f, within(1e-6f));
    assertThat(z[2]).isCloseTo(4f, within(1e-6f));
  }

  @Test
  void theIdWeightScalesTheIdRowAndItsGradientAlike() {
    // <dz, z(e, 0)> = <idGradient(dz), e>: the id row's part of the forward and its adjoint
    int[] offsets = {0, 2, 2};
    RecencyWeights weights = new RecencyWeights(5, 0.7, 0.5f);
    float[] e = gaussian(2 * DIM);
    float[] dz = gaussian(2 * DIM);
    float[] z = HistoryPooling.forward(e, new float[2 * DIM], offsets, DIM, weights);
    for (int k = 0; k < e.length; k++) {
      assertThat(z[k]).isCloseTo(0.5f * e[k], within(1e-6f));
    }
    assertThat(dot(dz, z)).isCloseTo(dot(HistoryPooling.idGradient(dz, weights), e), within(1e-5));
    assertThat(HistoryPooling.idGradient(dz, RecencyWeights.MEAN)).containsExactly(dz);
  }

  @Test
  void logitsOfADecayGiveItsFixedWeightsAndLongerHistoriesShareTheLastLogit() {
    RecencyWeights learned = RecencyWeights.ofLogits(RecencyWeights.logitsOf(5, 0.7), 1f);
    assertThat(learned.isLearned()).isTrue();
    for (int n = 1; n <= 5; n++) {
      assertThat(learned.of(n)).containsExactly(new RecencyWeights(5, 0.7).of(n), within(1e-6f));
    }
    float[] seven = RecencyWeights.ofLogits(new float[] {2f, 1f, 0f}, 1f).of(7);
    double sum = 0;
    for (float a : seven) {
      sum += a;
    }
    assertThat(sum).isCloseTo(1.0, within(1e-6));
    assertThat(seven[6]).isGreaterThan(seven[5]).isGreaterThan(seven[4]); // ages 0, 1, 2
    assertThat(seven[0]).isEqualTo(seven[4]); // ages 6 and 2 share the last logit
  }

  @Test
  void logitGradientMatchesFiniteDifferences() {
    // L = <dz, z(θ)> is linear in z, so its θ-gradient is what the step gets through the pooling;
    // row 3 is longer than the four logits: its older items share the last one
    int[] offsets = {0, 3, 3, 4, 10};
    int rows = offsets.length - 1;
    int ages = 4;
    float[] ids = gaussian(rows * DIM);
    float[] h = gaussian(offsets[rows] * DIM);
    float[] dz = gaussian(rows * DIM);
    float[] theta = {0.3f, -0.2f, 0.5f, -1f};
    float[] analytic =
        HistoryPooling.logitGradient(
            dz, h, offsets, DIM, RecencyWeights.ofLogits(theta, 0.5f), ages);
    double step = 1e-2;
    for (int age = 0; age < ages; age++) {
      float saved = theta[age];
      theta[age] = (float) (saved + step);
      double up = dot(dz, HistoryPooling.forward(ids, h, offsets, DIM, learned(theta)));
      theta[age] = (float) (saved - step);
      double down = dot(dz, HistoryPooling.forward(ids, h, offsets, DIM, learned(theta)));
      theta[age] = saved;
      assertThat(analytic[age])
          .as("dL/dθ[%d]", age)
          .isCloseTo((float) ((up - down) / (2 * step)), within(2e-3f));
    }
  }

  private static RecencyWeights learned(float[] theta) {
    return RecencyWeights.ofLogits(theta, 0.5f);
  }

  @ParameterizedTest(name = "decay {0}")
  @ValueSource(doubles = {1.0, 0.7})
  void backwardIsTheAdjointOfTheForwardPooling(double decay) {
    // <dz, P h> = <Pᵀ dz, h> for the linear pooling P: fails on a wrong 1/n or a wrong row
    // assignment.
    int[] offsets = {0, 3, 3, 4, 9};
    int rows = offsets.length - 1;
    float[] h = gaussian(offsets[rows] * DIM);
    float[] dz = gaussian(rows * DIM);
    float[] ph =
        HistoryPooling.forward(
            new float[rows * DIM], h, offsets, DIM, new RecencyWeights(5, decay));
    float[] ptdz = HistoryPooling.backwardPooled(dz, offsets, DIM, new RecencyWeights(5, decay));
    assertThat(dot(dz, ph)).isCloseTo(dot(ptdz, h), within(1e-5));
  }

  @ParameterizedTest(name = "decay {0}")
  @ValueSource(doubles = {1.0, 0.7})
  void perDistinctSumsAndSquaredNormEqualThePerPositionGradients(double decay) {
    // The fused path the step uses must be the per-position gradient summed per distinct row,
    // exactly, and its norm the one the clip would compute from the per-position array (a repeated
    // item counts at every position).
    int[] offsets = {0, 3, 3, 4, 9};
    int[] distinctOf = {0, 1, 0, /* */ 2, /* */ 1, 3, 3, 0, 2};
    int rows = offsets.length - 1;
    float[] dz = gaussian(rows * DIM);
    float[] perPosition =
        HistoryPooling.backwardPooled(dz, offsets, DIM, new RecencyWeights(5, decay));
    float[] expected = new float[4 * DIM];
    double expectedSquares = 0;
    for (int p = 0; p < distinctOf.length; p++) {
      for (int k = 0; k < DIM; k++) {
        expected[distinctOf[p] * DIM + k] += perPosition[p * DIM + k];
        expectedSquares += (double) perPosition[p * DIM + k] * perPosition[p * DIM + k];
      }
    }
    assertThat(
            HistoryPooling.backwardPooledByDistinct(
                dz, offsets, distinctOf, 4, DIM, new RecencyWeights(5, decay)))
        .containsExactly(expected);
    assertThat(HistoryPooling.pooledSquaredNorm(dz, offsets, DIM, new RecencyWeights(5, decay)))
        .isCloseTo(expectedSquares, within(1e-9));
    dz[DIM] = Float.NaN; // row 1 has no history: its NaN never reaches a pooled row
    dz[0] = Float.NaN;
    assertThat(HistoryPooling.pooledSquaredNorm(dz, offsets, DIM, new RecencyWeights(5, decay)))
        .isNaN();
  }

  @Test
  void pooledGradientThroughTowerAndInfoNceMatchesFiniteDifferences() {
    int[] offsets = {0, 2, 2, 5};
    int rows = 3;
    float[] ids = gaussian(rows * DIM);
    float[] h = gaussian(offsets[rows] * DIM);
    float[] items = gaussian(4 * DIM);
    float[] dz = dInputs(ids, h, offsets, items);
    float[] analytic = HistoryPooling.backwardPooled(dz, offsets, DIM);
    double step = 1e-3;
    for (int k = 0; k < h.length; k++) {
      float saved = h[k];
      h[k] = (float) (saved + step);
      double up = loss(ids, h, offsets, items);
      h[k] = (float) (saved - step);
      double down = loss(ids, h, offsets, items);
      h[k] = saved;
      double numeric = (up - down) / (2 * step);
      assertThat(analytic[k]).as("dL/dh[%d]", k).isCloseTo((float) numeric, within(2e-3f));
    }
    // and the id rows receive dz unchanged
    for (int k = 0; k < ids.length; k++) {
      float saved = ids[k];
      ids[k] = (float) (saved + step);
      double up = loss(ids, h, offsets, items);
      ids[k] = (float) (saved - step);
      double down = loss(ids, h, offsets, items);
      ids[k] = saved;
      assertThat(dz[k])
          .as("dL/de[%d]", k)
          .isCloseTo((float) ((up - down) / (2 * step)), within(2e-3f));
    }
  }

  private static double loss(float[] ids, float[] h, int[] offsets, float[] items) {
    return lossGradients(ids, h, offsets, items).loss();
  }

  private static float[] dInputs(float[] ids, float[] h, int[] offsets, float[] items) {
    INDArray z = matrix(HistoryPooling.forward(ids, h, offsets, DIM));
    TowerActivations u = TowerMath.forward(z, null);
    LossGradients g =
        InfoNceLoss.compute(
            u.outputs(),
            TowerMath.forward(matrix(items), null).outputs(),
            null,
            Nd4j.ones(DataType.DOUBLE, z.rows()),
            null,
            0.5);
    return Nd4j.toFlattened(TowerMath.backward(u, null, g.dUsers()).embeddings()).toFloatVector();
  }

  private static LossGradients lossGradients(float[] ids, float[] h, int[] offsets, float[] items) {
    INDArray z = matrix(HistoryPooling.forward(ids, h, offsets, DIM));
    return InfoNceLoss.compute(
        TowerMath.forward(z, null).outputs(),
        TowerMath.forward(matrix(items), null).outputs(),
        null,
        Nd4j.ones(DataType.DOUBLE, z.rows()),
        null,
        0.5);
  }

  /** Float inputs, double math: the check measures the pooling, not float rounding in the loss. */
  private static INDArray matrix(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return Nd4j.create(d, new long[] {v.length / DIM, DIM}, DataType.DOUBLE);
  }

  private float[] gaussian(int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}

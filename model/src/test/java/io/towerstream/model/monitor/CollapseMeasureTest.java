package io.towerstream.model.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CollapseMeasureTest {
  private static final int DIM = 16;

  @Test
  void jacobiFindsTheEigenvaluesOfARotatedDiagonalMatrix() {
    double[] expected = {5, 3, 1, 0.5};
    // Q diag(λ) Qᵀ for a random orthogonal Q (Gram-Schmidt of a seeded Gaussian matrix)
    Random random = new Random(3);
    double[][] q = new double[4][4];
    for (int c = 0; c < 4; c++) {
      for (int r = 0; r < 4; r++) {
        q[r][c] = random.nextGaussian();
      }
      for (int p = 0; p < c; p++) {
        double d = 0;
        for (int r = 0; r < 4; r++) {
          d += q[r][c] * q[r][p];
        }
        for (int r = 0; r < 4; r++) {
          q[r][c] -= d * q[r][p];
        }
      }
      double norm = 0;
      for (int r = 0; r < 4; r++) {
        norm += q[r][c] * q[r][c];
      }
      for (int r = 0; r < 4; r++) {
        q[r][c] /= Math.sqrt(norm);
      }
    }
    double[][] a = new double[4][4];
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        for (int k = 0; k < 4; k++) {
          a[i][j] += q[i][k] * expected[k] * q[j][k];
        }
      }
    }
    double[] eigen = CollapseMeasure.symmetricEigenvalues(a);
    Arrays.sort(eigen);
    assertThat(eigen[0]).isCloseTo(0.5, within(1e-9));
    assertThat(eigen[1]).isCloseTo(1, within(1e-9));
    assertThat(eigen[2]).isCloseTo(3, within(1e-9));
    assertThat(eigen[3]).isCloseTo(5, within(1e-9));
  }

  @Test
  void spreadVectorsAreFarFromCollapseAndOnePointIsCollapse() {
    int n = 200;
    float[] spread = unitRows(new Random(1), n, 0);
    CollapseMetrics healthy = CollapseMeasure.of(spread, n, spread, spread, n, DIM);
    assertThat(healthy.alignment()).as("each user is its item").isCloseTo(0, within(1e-9));
    assertThat(healthy.effectiveRank()).as("isotropic: near the dimension").isGreaterThan(12);
    assertThat(healthy.meanCosine()).isCloseTo(0, within(0.03));
    assertThat(healthy.uniformity()).isLessThan(-3);
    assertThat(healthy.collapsed(2, 0.9)).isFalse();

    float[] point = unitRows(new Random(2), n, 1.0); // every row the same direction
    CollapseMetrics collapsed = CollapseMeasure.of(point, n, spread, point, n, DIM);
    assertThat(collapsed.effectiveRank()).isCloseTo(1, within(1e-6));
    assertThat(collapsed.meanCosine()).isCloseTo(1, within(1e-6));
    assertThat(collapsed.uniformity()).isCloseTo(0, within(1e-9));
    assertThat(collapsed.alignment()).as("random users, one item point").isCloseTo(2, within(0.3));
    assertThat(collapsed.collapsed(2, 0.9)).isTrue();
    assertThat(CollapseMetrics.NONE.collapsed(2, 0.9)).isFalse();
  }

  @Test
  void itemsOnOnePlaneHaveAnEffectiveRankNearTwo() {
    int n = 300;
    Random random = new Random(5);
    float[] plane = new float[n * DIM];
    for (int r = 0; r < n; r++) {
      double angle = random.nextDouble() * 2 * Math.PI;
      plane[r * DIM] = (float) Math.cos(angle);
      plane[r * DIM + 1] = (float) Math.sin(angle);
    }
    assertThat(CollapseMeasure.effectiveRank(plane, n, DIM)).isCloseTo(2, within(0.05));
  }

  /** Unit rows: Gaussian directions, or with {@code shared} = 1 one direction repeated. */
  private static float[] unitRows(Random random, int n, double shared) {
    float[] base = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      base[i] = (float) random.nextGaussian();
    }
    float[] out = new float[n * DIM];
    for (int r = 0; r < n; r++) {
      double norm = 0;
      for (int i = 0; i < DIM; i++) {
        double x = shared == 1.0 ? base[i] : random.nextGaussian();
        out[r * DIM + i] = (float) x;
        norm += x * x;
      }
      for (int i = 0; i < DIM; i++) {
        out[r * DIM + i] /= (float) Math.sqrt(norm);
      }
    }
    return out;
  }
}

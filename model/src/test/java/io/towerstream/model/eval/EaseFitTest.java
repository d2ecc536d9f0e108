package io.towerstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EaseFitTest {

  /** A Gram matrix of 60 users' random item sets over {@code n} items. */
  private static double[] randomGram(int n, long seed) {
    Random r = new Random(seed);
    double[] g = new double[n * n];
    for (int u = 0; u < 60; u++) {
      int[] items = r.ints(8, 0, n).distinct().toArray();
      for (int a : items) {
        for (int c : items) {
          g[a * n + c] += 1;
        }
      }
    }
    return g;
  }

  @Test
  void weightsSatisfyEasesClosedForm() {
    // B = I − P·D with D = diag(1/P_jj) and P = (G + λI)⁻¹, so (G + λI)·B = (G + λI) − D: off the
    // diagonal it equals G itself, and B's own diagonal is zero.
    int n = 40;
    double lambda = 5;
    double[] g = randomGram(n, 3);
    float[] b = EaseFit.weights(g, n, lambda);
    for (int j = 0; j < n; j++) {
      assertEquals(0f, b[j * n + j], "diagonal of B at " + j);
      for (int i = 0; i < n; i++) {
        if (i == j) {
          continue;
        }
        double product = 0;
        for (int k = 0; k < n; k++) {
          product += (g[i * n + k] + (i == k ? lambda : 0)) * b[k * n + j];
        }
        assertEquals(
            g[i * n + j], product, 1e-3 * (1 + g[i * n + j]), "((G+λI)·B) at " + i + "," + j);
      }
    }
  }

  @Test
  void agreesWithTheEigendecompositionFit() {
    Random r = new Random(7);
    List<Interaction> events = new ArrayList<>();
    for (int t = 0; t < 400; t++) {
      events.add(new Interaction("u" + r.nextInt(40), "i" + r.nextInt(12), 1f, t));
    }
    TemporalSplit s = new TemporalSplit(events, 0.8);
    int n = s.items.size();
    double[] g = new double[n * n];
    for (Set<Integer> row : s.trainItems.values()) {
      for (int a : row) {
        for (int c : row) {
          g[a * n + c] += 1;
        }
      }
    }
    float[] b = EaseFit.weights(g, n, 3.0);
    EaseScorer eigen = new EaseScorer(s, 3.0);
    for (String user : s.trainItems.keySet()) {
      float[] expected = eigen.scores(user);
      float[] actual = new float[n];
      for (int i : s.trainItems.get(user)) {
        for (int j = 0; j < n; j++) {
          actual[j] += b[i * n + j];
        }
      }
      for (int j = 0; j < n; j++) {
        assertEquals(expected[j], actual[j], 1e-4, user + "'s score of item " + j);
      }
    }
  }

  @Test
  void refusesANonPositiveLambda() {
    assertThrows(IllegalArgumentException.class, () -> EaseFit.weights(new double[4], 2, 0));
  }
}

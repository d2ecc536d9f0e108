package io.towerstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EaseScorerTest {

  private static TemporalSplit randomSplit() {
    Random r = new Random(7);
    List<Interaction> events = new ArrayList<>();
    for (int t = 0; t < 400; t++) {
      events.add(new Interaction("u" + r.nextInt(40), "i" + r.nextInt(12), 1f, t));
    }
    return new TemporalSplit(events, 0.8);
  }

  @Test
  void aCatalogueOfHundredsOfItemsIsFittedToTheClosedForm() {
    // large enough for LAPACK's blocked code paths, where a broken kernel shows: (G + λI)·B must
    // equal G off the diagonal (EaseFitTest derives it)
    Random r = new Random(5);
    List<Interaction> events = new ArrayList<>();
    for (int t = 0; t < 40_000; t++) {
      events.add(new Interaction("u" + r.nextInt(900), "i" + r.nextInt(700), 1f, t));
    }
    TemporalSplit s = new TemporalSplit(events, 0.9);
    int n = s.items.size();
    double[] g = EaseScorer.gram(s);
    double lambda = 200;
    float[] b = EaseFit.weights(g, n, lambda);
    for (int j = 0; j < n; j += 97) {
      for (int i = 0; i < n; i += 13) {
        if (i == j) {
          continue;
        }
        double product = 0;
        for (int k = 0; k < n; k++) {
          product += (g[i * n + k] + (i == k ? lambda : 0)) * b[k * n + j];
        }
        assertEquals(g[i * n + j], product, 1e-2 * (1 + g[i * n + j]), "at " + i + "," + j);
      }
    }
  }

  @Test
  void coOccurringItemScoresAboveUnrelatedOne() {
    // Users who click a also click b; c is clicked by other users alone: for a user with only a, b
    // beats c.
    List<Interaction> events = new ArrayList<>();
    int t = 0;
    for (int u = 0; u < 30; u++) {
      events.add(new Interaction("u" + u, "a", 1f, t++));
      events.add(new Interaction("u" + u, "b", 1f, t++));
      events.add(new Interaction("v" + u, "c", 1f, t++));
      events.add(new Interaction("v" + u, "c2", 1f, t++));
    }
    events.add(new Interaction("w", "a", 1f, t++));
    events.add(new Interaction("w", "b", 1f, t++));
    TemporalSplit s = new TemporalSplit(events, 0.995);
    float[] scores = new EaseScorer(s, 1.0).scores("w");
    // "w" has a in training; its b is in test.
    assertTrue(
        scores[s.itemIndex.get("b")] > scores[s.itemIndex.get("c")] + 0.1,
        "b " + scores[s.itemIndex.get("b")] + " vs c " + scores[s.itemIndex.get("c")]);
  }
}

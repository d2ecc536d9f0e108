package io.towerstream.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

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
  void eigendecompositionReconstructsTheRegularisedInverse() {
    TemporalSplit s = randomSplit();
    int n = s.items.size();
    double[][] gram = new double[n][n];
    s.trainItems.values().forEach(row -> row.forEach(a -> row.forEach(c -> gram[a][c] += 1)));
    EaseScorer.Eigen e = EaseScorer.Eigen.of(s);
    double lambda = 3.0;
    INDArray p =
        e.q.mulRowVector(e.values.add(lambda).rdivi(1.0).reshape(1, n)).mmul(e.q.transpose());
    INDArray g = Nd4j.createFromArray(gram).addi(Nd4j.eye(n).castTo(p.dataType()).muli(lambda));
    INDArray id = p.mmul(g);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertEquals(i == j ? 1.0 : 0.0, id.getDouble(i, j), 1e-8, "P(G+λI) at " + i + "," + j);
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

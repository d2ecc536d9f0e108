package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FeatureOverlapScorerTest {
  @Test
  void coldItemsSharingTheUsersTrainingGenresScoreHigher() {
    List<Interaction> stream =
        List.of(
            new Interaction("a", "x", 1f, 1),
            new Interaction("a", "y", 1f, 2),
            new Interaction("b", "z", 1f, 3),
            new Interaction("a", "new-drama", 1f, 4),
            new Interaction("b", "new-western", 1f, 5));
    Map<String, List<String>> features =
        Map.of(
            "x", List.of("c:drama"),
            "y", List.of("c:drama", "c:war"),
            "z", List.of("c:western"),
            "new-drama", List.of("c:drama"),
            "new-western", List.of("c:western", "c:war"));
    TemporalSplit warm = new TemporalSplit(stream, 0.6);
    TemporalSplit cold = warm.coldStart(Set.of("new-drama", "new-western"), true);
    FeatureOverlapScorer scorer = new FeatureOverlapScorer(warm, cold, features);
    int drama = cold.itemIndex.get("new-drama");
    int western = cold.itemIndex.get("new-western");
    float[] a = scorer.scores("a");
    assertThat(a[drama]).isEqualTo(2f); // drama twice in a's training items
    assertThat(a[western]).isEqualTo(0.5f); // war once, western never: mean of 1 and 0
    float[] b = scorer.scores("b");
    assertThat(b[western]).isGreaterThan(b[drama]);
    assertThat(scorer.scores("nobody")).containsOnly(0f);
  }
}

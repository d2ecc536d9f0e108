package io.towerstream.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LongTailClicksTest {

  private static List<Interaction> stream(LongTailClicks g) {
    List<Interaction> out = new ArrayList<>();
    g.forEach(out::add);
    return out;
  }

  @Test
  void defaultsAreSparseWithALongTail() {
    LongTailClicks g = LongTailClicks.builder().build();
    List<Interaction> clicks = stream(g);
    assertThat(clicks).hasSize(60_000);
    Map<String, Integer> perItem = new HashMap<>();
    clicks.forEach(e -> perItem.merge(e.itemId(), 1, Integer::sum));
    double mean = clicks.size() / (double) perItem.size();
    int[] counts = perItem.values().stream().mapToInt(Integer::intValue).sorted().toArray();
    assertThat(perItem.size()).isBetween(10_000, 12_000);
    assertThat(mean).isLessThanOrEqualTo(6.0);
    assertThat(counts[counts.length / 2]).isLessThanOrEqualTo(3); // median
    assertThat(counts[counts.length - 1])
        .isGreaterThan(100 * counts[counts.length / 2]); // the head
  }

  @Test
  void replaysTheSameStreamAndNeverRepeatsAUsersItem() {
    LongTailClicks g =
        LongTailClicks.builder().users(200).items(1_000).topics(50).events(5_000).build();
    List<Interaction> first = stream(g);
    assertThat(stream(g)).isEqualTo(first);
    Set<String> pairs = new HashSet<>();
    for (Interaction e : first) {
      assertThat(pairs.add(e.userId() + "/" + e.itemId())).as("repeat " + e).isTrue();
    }
    assertThat(
            stream(
                LongTailClicks.builder()
                    .users(200)
                    .items(1_000)
                    .topics(50)
                    .events(5_000)
                    .seed(3)
                    .build()))
        .isNotEqualTo(first);
  }

  @Test
  void consecutiveClicksOfAUserShareTheirTopicAsPlanted() {
    // With stay 0.6 a user's next click is in the previous click's topic well above the chance of
    // one topic in 100.
    LongTailClicks g =
        LongTailClicks.builder()
            .users(300)
            .items(4_000)
            .topics(100)
            .events(20_000)
            .stayProbability(0.6)
            .exploreProbability(0.1)
            .build();
    Map<String, Integer> last = new HashMap<>();
    int same = 0;
    int pairs = 0;
    for (Interaction e : stream(g)) {
      int topic = g.topicOfItem(PlantedClusterClicks.indexOf(e.itemId()));
      Integer prev = last.put(e.userId(), topic);
      if (prev != null) {
        pairs++;
        same += prev == topic ? 1 : 0;
      }
    }
    assertThat(same / (double) pairs).isGreaterThan(0.5);
  }

  @Test
  void refusesInconsistentParameters() {
    assertThatThrownBy(() -> LongTailClicks.builder().items(10).topics(20).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> LongTailClicks.builder().stayProbability(0.8).exploreProbability(0.3).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}

package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NextClickPeersTest {

  private static List<Interaction> planted(int events) {
    List<Interaction> stream = new ArrayList<>();
    PlantedClusterClicks.builder()
        .users(150)
        .items(120)
        .clusters(6)
        .events(events)
        .seed(5L)
        .build()
        .forEach(stream::add);
    return stream;
  }

  @Test
  void popularityPeersAgreeWithTheTrainersOwnEvaluator() {
    List<Interaction> stream = planted(4_000);
    int windowStart = 3_000;
    Map<String, Map<String, Double>> model =
        NextClickRun.run(
            TwoTowerModels.create(ModelConfig.builder().batchSize(32).dim(8).build()),
            stream,
            windowStart,
            32,
            200,
            u -> {});
    NextClickPeers.Result peers =
        NextClickPeers.run(
            stream, windowStart, new NextClickPeers.Options(32, 200, 2, 50, 1_000), u -> {});
    assertThat(peers.windowEvents()).isEqualTo(1_000);
    for (String name : List.of(NextClickPeers.POPULARITY, NextClickPeers.RECENT_POPULARITY)) {
      PrequentialMetrics m = peers.metrics().get(name);
      assertThat(m.events()).isEqualTo(1_000);
      m.whole()
          .forEach(
              (metric, v) ->
                  assertThat(v)
                      .as(name + " " + metric)
                      .isCloseTo(model.get(name).get(metric), within(1e-12)));
    }
  }

  @Test
  void easeLearnsThePlantedClustersAndOneRefitEqualsTheFirstFit() {
    List<Interaction> stream = planted(6_000);
    NextClickPeers.Result once =
        NextClickPeers.run(
            stream, 4_800, new NextClickPeers.Options(32, 1000, 1, 20, 1_000), u -> {});
    Map<String, Double> refitted = once.metrics().get(NextClickPeers.EASE_REFITTED).whole();
    assertThat(refitted).isEqualTo(once.metrics().get(NextClickPeers.EASE_ONCE).whole());
    // six clusters, each user clicks within their own most of the time: item-item structure that
    // popularity cannot see
    assertThat(refitted.get("hr@10"))
        .isGreaterThan(1.5 * once.metrics().get(NextClickPeers.POPULARITY).whole().get("hr@10"));
    NextClickPeers.Result five =
        NextClickPeers.run(
            stream, 4_800, new NextClickPeers.Options(32, 1000, 5, 20, 1_000), u -> {});
    assertThat(five.metrics().get(NextClickPeers.EASE_ONCE).whole())
        .isEqualTo(once.metrics().get(NextClickPeers.EASE_ONCE).whole());
  }

  @Test
  void easeServesFromTheUsersLiveClicksBetweenRefits() {
    // Before the window, 20 users click a then b, and 30 others click c then d: a and b go
    // together, and c is the more popular item. In the window, w (unknown at the fit) clicks a,
    // then, two batches later, b: only a live user row knows that b follows a.
    List<Interaction> stream = new ArrayList<>();
    for (int u = 0; u < 30; u++) {
      if (u < 20) {
        stream.add(new Interaction("p" + u, "a"));
        stream.add(new Interaction("p" + u, "b"));
      }
      stream.add(new Interaction("q" + u, "c"));
      stream.add(new Interaction("q" + u, "d"));
    }
    int windowStart = stream.size(); // 100, a multiple of the batch size
    stream.add(new Interaction("w", "a"));
    stream.add(new Interaction("x", "c"));
    stream.add(new Interaction("y", "c"));
    stream.add(new Interaction("z", "d"));
    stream.add(new Interaction("w", "b"));
    stream.add(new Interaction("w", "new-item")); // seen first here: a miss for every peer
    NextClickPeers.Result r =
        NextClickPeers.run(
            stream, windowStart, new NextClickPeers.Options(2, 1000, 1, 1, 1_000), u -> {});
    PrequentialMetrics ease = r.metrics().get(NextClickPeers.EASE_REFITTED);
    assertThat(ease.events()).isEqualTo(6);
    // The last two events alone, as the difference of two runs' reciprocal-rank sums.
    PrequentialMetrics pop = r.metrics().get(NextClickPeers.POPULARITY);
    NextClickPeers.Result withoutLastTwo =
        NextClickPeers.run(
            stream.subList(0, windowStart + 4),
            windowStart,
            new NextClickPeers.Options(2, 1000, 1, 1, 1_000),
            u -> {});
    double easeSum =
        ease.whole().get("mrr") * 6
            - withoutLastTwo.metrics().get(NextClickPeers.EASE_REFITTED).whole().get("mrr") * 4;
    double popSum =
        pop.whole().get("mrr") * 6
            - withoutLastTwo.metrics().get(NextClickPeers.POPULARITY).whole().get("mrr") * 4;
    // the last two events: w→b (EASE rank 0, reciprocal 1) and w→new-item (a miss, 0)
    assertThat(easeSum).isCloseTo(1.0, within(1e-9));
    // popularity ranks b below c and d (a excluded): reciprocal rank 1/3
    assertThat(popSum).isCloseTo(1.0 / 3, within(1e-9));
  }

  @Test
  void tunesLambdaOverTheGridOnTheStretchBeforeTheWindow() {
    List<Interaction> stream = planted(6_000);
    NextClickPeers.Result r =
        NextClickPeers.run(stream, 4_800, NextClickPeers.Options.defaults(), u -> {});
    assertThat(r.lambdaHitRates()).hasSize(NextClickPeers.LAMBDAS.length);
    double best =
        r.lambdaHitRates().values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    assertThat(r.lambdaHitRates().get(r.easeLambda())).isEqualTo(best);
  }

  @Test
  void skipsEaseAboveItsItemBoundAndSaysWhy() {
    List<Interaction> stream = planted(2_000);
    NextClickPeers.Result r =
        NextClickPeers.run(
            stream, 1_500, new NextClickPeers.Options(32, 100, 10, 300, 50), u -> {});
    assertThat(r.metrics())
        .containsOnlyKeys(NextClickPeers.POPULARITY, NextClickPeers.RECENT_POPULARITY);
    assertThat(r.easeSkipped()).contains("> 50");
    assertThat(r.easeLambda()).isNaN();
  }

  @Test
  void refusesAWindowOutsideTheStream() {
    List<Interaction> stream = planted(100);
    assertThatThrownBy(
            () -> NextClickPeers.run(stream, 100, NextClickPeers.Options.defaults(), u -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reportsTheWorkUnitsItAnnounces() {
    List<Interaction> stream = planted(3_000);
    NextClickPeers.Options o = new NextClickPeers.Options(32, 100, 3, Double.NaN, 1_000);
    long[] done = {0};
    NextClickPeers.run(stream, 2_400, o, u -> done[0] += u);
    assertThat(done[0]).isEqualTo(NextClickPeers.workUnits(stream, 2_400, o));
  }
}

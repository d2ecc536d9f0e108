package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.EventType;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * The operator with the real ND4J model: a restore from its state (user rows in keyed state, the
 * rest in union state) continues exactly where it left.
 */
class TrainerOperatorTwoTowerTest {
  private static final TrainerSettings SETTINGS =
      new TrainerSettings(
          ModelConfig.builder()
              .dim(8)
              .batchSize(8)
              .reservoirCapacity(100)
              .reservoirNegatives(4)
              .build(),
          1,
          0,
          1_000);

  @Test
  void trainingAfterARestoreGivesBitIdenticalEmbeddings() throws Exception {
    List<ClickEvent> before = clicks(20, 1); // 2 batches trained, 4 events pending at the snapshot
    List<ClickEvent> after = clicks(28, 2);

    Map<String, List<Float>> uninterrupted;
    OperatorSubtaskState state;
    try (var original = open(null)) {
      feed(original, before);
      state = original.checkpoint(1L, 1L);
      feed(original, after);
      original.setProcessingTime(1_000);
      uninterrupted = vectors(original);
    }

    Map<String, List<Float>> restored;
    try (var resumed = open(state)) {
      feed(resumed, after);
      resumed.checkpoint(2L, 2L); // a restored run publishes from its first barrier on
      restored = vectors(resumed);
      List<TrainerStatus> status = resumed.statuses();
      assertThat(status.get(status.size() - 1).getEventsTrained()).isEqualTo(48);
    }

    assertThat(restored).isNotEmpty().isEqualTo(uninterrupted);
    assertThat(restored.values()).allSatisfy(v -> assertThat(v).hasSize(8));
  }

  /**
   * The test-then-train evaluator is part of the checkpoint: after a restore its windows (counts,
   * popularity baselines, the users' seen items) continue as if nothing happened, equal to the bit.
   * Before, they started again.
   */
  @Test
  void testThenTrainMetricsContinueExactlyAcrossARestore() throws Exception {
    TrainerSettings settings =
        new TrainerSettings(SETTINGS.model(), 1, 0, 1_000, 1.0, 30, 12, 200, 0, 0, 0);
    List<ClickEvent> before = clicks(36, 4); // 4 batches trained, 4 events pending at the snapshot
    List<ClickEvent> after = clicks(44, 5);
    Map<String, ?> uninterrupted;
    OperatorSubtaskState state;
    try (var original = open(null, settings)) {
      feed(original, before);
      state = original.checkpoint(1L, 1L);
      feed(original, after);
      original.setProcessingTime(1_000);
      List<TrainerStatus> status = original.statuses();
      uninterrupted = status.get(status.size() - 1).getPrequential();
    }
    try (var resumed = open(state, settings)) {
      feed(resumed, after);
      resumed.checkpoint(2L, 2L); // a restored run publishes from its first barrier on
      List<TrainerStatus> status = resumed.statuses();
      Map<String, ?> restored = status.get(status.size() - 1).getPrequential();
      assertThat(status.get(status.size() - 1).getEventsTrained()).isEqualTo(80);
      assertThat(restored).hasSize(4).isEqualTo(uninterrupted);
      assertThat(
              ((io.towerstream.schemas.avro.RankingWindow) restored.get("popularity")).getEvents())
          .as("a full window, most of it from before the restore")
          .isEqualTo(30);
    }
  }

  /** eval.prequential.from-time reaches the evaluator: earlier clicks train but are not scored. */
  @Test
  void onlyClicksFromTheConfiguredEventTimeAreScored() throws Exception {
    TrainerSettings settings =
        new TrainerSettings(SETTINGS.model(), 1, 0, 1_000, 1.0, 100, 50, 200, 0, 0, 29_000);
    try (var h = open(null, settings)) {
      feed(h, clicks(40, 3)); // event times 0 s to 39 s: the last 11 are scored
      h.setProcessingTime(1_000);
      List<TrainerStatus> status = h.statuses();
      TrainerStatus last = status.get(status.size() - 1);
      assertThat(last.getEventsTrained()).isEqualTo(40);
      assertThat(last.getPrequential().get("popularity").getEvents()).isEqualTo(11);
      assertThat(last.getPrequential().get("towerstream").getEvents()).isEqualTo(11);
    }
  }

  @Test
  void statusCarriesPrequentialMetricsAndItemUpdatesCarryTheirPopularityBias() throws Exception {
    TrainerSettings settings =
        new TrainerSettings(
            SETTINGS.model().toBuilder().priorWeight(0.5f).build(),
            1,
            0,
            1_000,
            1.0,
            100,
            50,
            200,
            0,
            0,
            0);
    try (var h = open(null, settings)) {
      List<ClickEvent> clicks = new java.util.ArrayList<>(clicks(40, 3));
      for (int k = 0; k < 8; k++) { // i0 is clicked far more often than any other item
        clicks.add(
            new ClickEvent(
                "u" + k % 6, "i0", Instant.ofEpochMilli(50_000L + k), EventType.CLICK, 1f));
      }
      feed(h, clicks);
      h.setProcessingTime(1_000);
      List<TrainerStatus> status = h.statuses();
      var windows = status.get(status.size() - 1).getPrequential();
      assertThat(windows)
          .containsOnlyKeys("towerstream", "towerstreamNoPrior", "popularity", "recentPopularity");
      // 48 events in 6 batches; the first batch knows no item, so its 8 events are misses but still
      // count
      assertThat(windows.get("popularity").getEvents()).isEqualTo(48);
      assertThat(windows.get("popularity").getHitRate10()).isGreaterThan(0.5);
      var collapse = status.get(status.size() - 1).getCollapse();
      assertThat(collapse).as("collapse monitoring in every status after training").isNotNull();
      assertThat(collapse.getItems()).isEqualTo(10);
      assertThat(collapse.getEffectiveRank()).isBetween(1.0, 8.0); // dim 8
      assertThat(collapse.getMeanCosine()).isBetween(-1.0, 1.0);
      assertThat(collapse.getAlignment()).isBetween(0.0, 4.0); // 10 items: mostly a hit

      Map<String, Float> bias = new TreeMap<>();
      for (EmbeddingUpdate u : h.updates()) {
        bias.put(u.getEntity() + ":" + u.getId(), u.getBias());
      }
      assertThat(bias).containsKey("ITEM:i0");
      bias.forEach(
          (key, b) -> {
            if (key.startsWith("USER:")) {
              assertThat(b).as(key).isZero();
            } else if (!key.equals("ITEM:i0")) {
              assertThat(b).as(key).isLessThan(bias.get("ITEM:i0"));
            }
          });
    }
  }

  @Test
  void aUserUpdateCarriesTheItemsItsTowerPooledMostRecentFirst() throws Exception {
    try (var h = open(null)) {
      List<ClickEvent> clicks = new java.util.ArrayList<>(clicks(7, 6));
      for (int k = 0; k < 25; k++) { // more than the 20 a user update carries
        clicks.add(
            new ClickEvent("fan", "f" + k, Instant.ofEpochMilli(60_000L + k), EventType.CLICK, 1f));
      }
      feed(h, clicks); // 32 events: 4 full batches
      h.setProcessingTime(1_000);
      EmbeddingUpdate fan = null;
      for (EmbeddingUpdate u : h.updates()) {
        if (u.getId().equals("fan")) {
          fan = u;
        }
        if (u.getEntity() == io.towerstream.schemas.avro.Entity.ITEM) {
          assertThat(u.getRecentItems()).as("items carry none").isEmpty();
        }
      }
      assertThat(fan).isNotNull();
      List<String> expected = new java.util.ArrayList<>();
      for (int k = 24; k >= 5; k--) {
        expected.add("f" + k);
      }
      assertThat(fan.getRecentItems()).containsExactlyElementsOf(expected);
    }
  }

  private static TrainerHarness open(OperatorSubtaskState state) throws Exception {
    return open(state, SETTINGS);
  }

  private static TrainerHarness open(OperatorSubtaskState state, TrainerSettings settings)
      throws Exception {
    return TrainerHarness.open(settings, new TwoTowerModelFactory(), 1, 0, state, 0);
  }

  private static void feed(TrainerHarness h, List<ClickEvent> clicks) {
    clicks.forEach(h::click);
  }

  /** The latest published vector per key of everything published so far. */
  private static Map<String, List<Float>> vectors(TrainerHarness h) {
    Map<String, List<Float>> latest = new TreeMap<>();
    for (EmbeddingUpdate u : h.updates()) {
      latest.put(u.getEntity() + ":" + u.getId(), u.getVector());
    }
    return latest;
  }

  private static List<ClickEvent> clicks(int n, long seed) {
    Random random = new Random(seed);
    return java.util.stream.IntStream.range(0, n)
        .mapToObj(
            k ->
                new ClickEvent(
                    "u" + random.nextInt(6),
                    "i" + random.nextInt(10),
                    Instant.ofEpochMilli(1_000L * k),
                    EventType.CLICK,
                    1f))
        .toList();
  }
}

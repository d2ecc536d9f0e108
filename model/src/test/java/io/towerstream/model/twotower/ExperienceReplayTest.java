package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExperienceReplayTest {
  private static ModelConfig config(double ratio) {
    return ModelConfig.builder()
        .dim(8)
        .batchSize(16)
        .reservoirNegatives(8)
        .seed(3)
        .replayRatio(ratio)
        .replayCapacity(200)
        .build();
  }

  @Test
  void replayTrainsAgainButCountsEveryEventOnce() {
    TwoTowerModel plain = new TwoTowerModel(config(0));
    TwoTowerModel replaying = new TwoTowerModel(config(2));
    List<List<Interaction>> batches = TestStreams.batches(40, 60, 16, 30, 9);
    for (List<Interaction> batch : batches) {
      plain.train(batch);
      replaying.train(batch);
    }
    assertThat(replaying.stats().eventsTrained()).isEqualTo(plain.stats().eventsTrained());
    assertThat(replaying.stats().batches()).isEqualTo(plain.stats().batches());
    assertThat(replaying.state().counters.replayedEvents())
        .as("two replayed positives per new one, after the first batch")
        .isEqualTo(2L * 16 * (batches.size() - 1));
    // the same clicks were counted: histories and popularity prior agree
    for (int u = 0; u < 40; u++) {
      assertThat(replaying.recentItems("u" + u, 50)).isEqualTo(plain.recentItems("u" + u, 50));
    }
    assertThat(replaying.itemBias("i1") - replaying.state().learnedBias(slot(replaying, "i1")))
        .isEqualTo(plain.itemBias("i1") - plain.state().learnedBias(slot(plain, "i1")));
    assertThat(replaying.userVector("u1"))
        .as("the replayed steps moved the rows")
        .isNotEqualTo(plain.userVector("u1"));
  }

  @Test
  void aReplayedRowPoolsTheUsersHistoryWithoutItsOwnItem() {
    TwoTowerModel model = new TwoTowerModel(config(0));
    model.train(List.of(new Interaction("u", "a"), new Interaction("v", "c")));
    model.train(List.of(new Interaction("u", "b"), new Interaction("v", "d")));
    ModelState s = model.state();
    HistoryPlanner planner = new HistoryPlanner(s.users, s.items, s.histories, 50);
    io.towerstream.model.tables.BatchLookup pooled =
        new io.towerstream.model.tables.BatchLookup(s.items);
    List<Interaction> replayed = List.of(new Interaction("u", "a"), new Interaction("u", "b"));
    int[] offsets = planner.plan(replayed, pooled, null, null, true);
    assertThat(offsets).containsExactly(0, 1, 2);
    assertThat(s.items.idAt(pooled.slotBefore(pooled.distinctOf(0)))).isEqualTo("b");
    assertThat(s.items.idAt(pooled.slotBefore(pooled.distinctOf(1)))).isEqualTo("a");
    // as new events the same rows would pool the stored history and each other
    int[] fresh = planner.plan(replayed, pooled, null, null, false);
    assertThat(fresh).containsExactly(0, 2, 5);
  }

  private static int slot(TwoTowerModel m, String item) {
    return m.state().items.slotOf(item);
  }
}

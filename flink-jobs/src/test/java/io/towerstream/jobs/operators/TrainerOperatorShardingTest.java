package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/**
 * Users in keyed state, restores at another parallelism, item ownership and the replicas' deltas.
 */
class TrainerOperatorShardingTest {
  private static final int BATCH = 4;
  private static final long PUBLISH_MS = 1_000;
  private static final long SYNC_MS = 200;

  private static TrainerSettings settings() {
    return new TrainerSettings(
        ModelConfig.builder().dim(2).batchSize(BATCH).build(),
        1,
        0,
        PUBLISH_MS,
        0,
        1,
        1,
        SYNC_MS,
        0,
        0,
        0);
  }

  private static int owner(String key, int parallelism) {
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
        key, TrainerHarness.MAX_PARALLELISM, parallelism);
  }

  private static TrainerHarness open(int parallelism, int subtask, OperatorSubtaskState state)
      throws Exception {
    return TrainerHarness.open(settings(), new FakeModel.Factory(), parallelism, subtask, state, 0);
  }

  private static FakeModel model(TrainerHarness h) {
    return (FakeModel) h.operator().model();
  }

  /** Users u0..u{n-1} split by the subtask that owns them at {@code parallelism}. */
  private static List<List<String>> usersBySubtask(int n, int parallelism) {
    List<List<String>> out = new ArrayList<>();
    for (int k = 0; k < parallelism; k++) {
      out.add(new ArrayList<>());
    }
    for (int u = 0; u < n; u++) {
      out.get(owner("u" + u, parallelism)).add("u" + u);
    }
    return out;
  }

  @Test
  void aReplicaTakesItsFingerprintWhenItTrainedNothingSinceThePreviousPublish() throws Exception {
    try (TrainerHarness h = open(2, 0, null)) {
      for (int k = 0; k < 2 * BATCH; k++) {
        h.click("u" + k % 3, "i" + k, k);
      }
      h.setProcessingTime(PUBLISH_MS);
      assertThat(h.operator().replicaFingerprint()).as("still training").isNaN();
      h.setProcessingTime(2 * PUBLISH_MS);
      double idle = h.operator().replicaFingerprint();
      assertThat(idle).isFinite().isNotZero();
      h.click("u0", "i0", 99);
      for (int k = 1; k < BATCH; k++) {
        h.click("u1", "i" + k, 99 + k);
      }
      h.setProcessingTime(3 * PUBLISH_MS);
      assertThat(h.operator().replicaFingerprint()).as("kept while training").isEqualTo(idle);
      h.setProcessingTime(4 * PUBLISH_MS);
      assertThat(h.operator().replicaFingerprint()).as("taken again when idle").isNotEqualTo(idle);
    }
  }

  @Test
  void aFingerprintNotYetTakenIsNaNOnATaskManagerToo() throws Exception {
    try (TrainerHarness h = TrainerHarness.openShipped(settings(), new FakeModel.Factory(), 2, 0)) {
      assertThat(h.operator().replicaFingerprint()).as("before the first idle publish").isNaN();
      for (int k = 0; k < BATCH; k++) {
        h.click("u" + k % 3, "i" + k, k);
      }
      h.setProcessingTime(PUBLISH_MS);
      assertThat(h.operator().replicaFingerprint()).as("the first publish is never idle").isNaN();
      h.setProcessingTime(2 * PUBLISH_MS);
      assertThat(h.operator().replicaFingerprint()).as("taken when idle").isFinite();
    }
  }

  @Test
  void userRowsLiveInKeyedStateAndComeBackOnRestore() throws Exception {
    OperatorSubtaskState state;
    try (TrainerHarness h = open(1, 0, null)) {
      for (int k = 0; k < 2 * BATCH; k++) {
        h.click("u" + k % 3, "i" + k, k);
      }
      state = h.checkpoint(1, 1);
      assertThat(h.h.numKeyedStateEntries()).as("one row per user").isEqualTo(3);
    }
    try (TrainerHarness h = open(1, 0, state)) {
      FakeModel m = model(h);
      assertThat(m.stats().users()).isEqualTo(3);
      assertThat(m.userVector("u0")).containsExactly(3f, (float) "u0".hashCode());
    }
  }

  @Test
  void twoSubtasksRestoredAsOneKeepEveryUserEveryPendingEventAndTheTotals() throws Exception {
    List<List<String>> users = usersBySubtask(12, 2);
    assertThat(users).allSatisfy(l -> assertThat(l).isNotEmpty());
    List<OperatorSubtaskState> states = new ArrayList<>();
    long maxSequence = 0;
    for (int s = 0; s < 2; s++) {
      try (TrainerHarness h = open(2, s, null)) {
        List<String> mine = users.get(s);
        for (int k = 0; k < BATCH * 2 + 1; k++) { // two batches and one pending event each
          h.click(mine.get(k % mine.size()), "i" + k, k);
        }
        h.setProcessingTime(PUBLISH_MS * (s + 1));
        maxSequence =
            Math.max(maxSequence, h.statuses().get(h.statuses().size() - 1).getSequence());
        states.add(h.checkpoint(1, 1));
      }
    }
    try (TrainerHarness h = open(1, 0, TrainerHarness.rescale(states, 2, 1, 0))) {
      FakeModel m = model(h);
      assertThat(m.stats().users()).isEqualTo(users.get(0).size() + users.get(1).size());
      h.click("u-new", "i-new", 99);
      h.click("u-new", "i-new", 100);
      assertThat(m.batches).hasSize(1);
      assertThat(m.batches.get(0))
          .extracting(Interaction::userId)
          .containsExactly(
              users.get(0).get(BATCH * 2 % users.get(0).size()),
              users.get(1).get(BATCH * 2 % users.get(1).size()),
              "u-new",
              "u-new");
      h.checkpoint(2, 2); // a restored run publishes from its first barrier on
      TrainerStatus status = h.statuses().get(0);
      assertThat(status.getEventsTrained())
          .as("both subtasks' progress")
          .isEqualTo(4 * BATCH + BATCH);
      assertThat(status.getSequence()).isGreaterThan(maxSequence);
    }
  }

  @Test
  void oneSubtaskRescaledToTwoSplitsItsUsersByKeyGroup() throws Exception {
    OperatorSubtaskState state;
    try (TrainerHarness h = open(1, 0, null)) {
      for (int k = 0; k < 6 * BATCH; k++) {
        h.click("u" + k % 10, "i" + k % 7, k);
      }
      state = h.checkpoint(1, 1);
    }
    List<List<String>> expected = usersBySubtask(10, 2);
    long total = 0;
    for (int s = 0; s < 2; s++) {
      try (TrainerHarness h = open(2, s, TrainerHarness.rescale(List.of(state), 1, 2, s))) {
        FakeModel m = model(h);
        for (String u : expected.get(s)) {
          assertThat(m.userVector(u)).as(u).isNotNull();
        }
        assertThat(m.stats().users()).isEqualTo(expected.get(s).size());
        assertThat(m.stats().items())
            .as("every subtask starts from the whole item replica")
            .isEqualTo(7);
        h.checkpoint(2, 2); // a restored run publishes from its first barrier on
        total += h.statuses().get(0).getEventsTrained();
      }
    }
    assertThat(total).as("the progress is carried once").isEqualTo(6 * BATCH);
  }

  @Test
  void eachSubtaskPublishesItsUsersAndOnlyTheItemsItOwns() throws Exception {
    try (TrainerHarness h = open(2, 1, null)) {
      List<String> mine = usersBySubtask(10, 2).get(1);
      for (int k = 0; k < 4 * BATCH; k++) {
        h.click(mine.get(k % mine.size()), "i" + k, k);
      }
      h.setProcessingTime(PUBLISH_MS);
      List<EmbeddingUpdate> out = h.updates();
      Set<String> items =
          out.stream()
              .filter(u -> u.getEntity() == Entity.ITEM)
              .map(EmbeddingUpdate::getId)
              .collect(Collectors.toSet());
      assertThat(items).isNotEmpty().allMatch(i -> owner(i, 2) == 1);
      assertThat(items.size()).isLessThan(4 * BATCH);
      assertThat(out.stream().filter(u -> u.getEntity() == Entity.USER).map(EmbeddingUpdate::getId))
          .containsExactlyInAnyOrderElementsOf(new TreeSet<>(mine));
    }
  }

  @Test
  void deltasGoOutEverySyncIntervalAndBeforeEveryBarrier() throws Exception {
    try (TrainerHarness h = open(2, 0, null)) {
      List<String> mine = usersBySubtask(10, 2).get(0);
      for (int k = 0; k < BATCH; k++) {
        h.click(mine.get(k % mine.size()), "i" + k, k);
      }
      assertThat(h.deltas()).isEmpty();
      h.setProcessingTime(SYNC_MS);
      assertThat(h.deltas())
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.getSequence()).isEqualTo(1);
                assertThat(d.getItemIds()).hasSize(BATCH);
              });
      h.setProcessingTime(2 * SYNC_MS);
      assertThat(h.deltas()).as("nothing changed, nothing sent").hasSize(1);
      for (int k = 0; k < BATCH; k++) {
        h.click(mine.get(k % mine.size()), "j" + k, k);
      }
      h.checkpoint(1, 1);
      assertThat(h.deltas()).extracting(ModelDelta::getSequence).containsExactly(1L, 2L);
    }
  }

  @Test
  void afterARestoreDeltasOwedByTheCheckpointApplyOnceAndOrphansNever() throws Exception {
    OperatorSubtaskState s0;
    OperatorSubtaskState s1;
    List<ModelDelta> sentBefore;
    ModelDelta orphan;
    try (TrainerHarness a = open(2, 0, null);
        TrainerHarness b = open(2, 1, null)) {
      List<String> bUsers = usersBySubtask(10, 2).get(1);
      for (int k = 0; k < BATCH; k++) {
        b.click(bUsers.get(k % bUsers.size()), "i" + k, k);
      }
      b.setProcessingTime(SYNC_MS); // delta 1
      for (int k = 0; k < BATCH; k++) {
        b.click(bUsers.get(k % bUsers.size()), "j" + k, k);
      }
      s0 = a.checkpoint(1, 1); // a had not read b's deltas yet
      s1 = b.checkpoint(1, 1); // delta 2 before the barrier
      sentBefore = b.deltas();
      assertThat(sentBefore).extracting(ModelDelta::getSequence).containsExactly(1L, 2L);
      for (int k = 0; k < BATCH; k++) {
        b.click(bUsers.get(k % bUsers.size()), "x" + k, k); // rolled back by the restore below
      }
      b.setProcessingTime(2 * SYNC_MS);
      orphan = b.deltas().get(2);
    }
    List<OperatorSubtaskState> states = List.of(s0, s1);
    try (TrainerHarness a = open(2, 0, TrainerHarness.rescale(states, 2, 2, 0))) {
      FakeModel m = model(a);
      a.delta(sentBefore.get(0));
      a.delta(sentBefore.get(0)); // redelivered
      a.delta(sentBefore.get(1));
      a.delta(orphan);
      assertThat(m.applied).hasSize(2);
      assertThat(m.itemVector("i0")).as("b's item, known through its delta").isNotNull();
      assertThat(m.itemVector("x0")).as("the rolled-back change never arrives").isNull();
      a.setProcessingTime(SYNC_MS);
      ModelDelta own = a.deltas().isEmpty() ? null : a.deltas().get(0);
      if (own != null) {
        a.delta(own);
        assertThat(m.applied).as("its own delta is not applied again").hasSize(2);
      }
    }
  }
}

package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.ModelConfig;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.TrainerStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.junit.jupiter.api.Test;

/**
 * Sequences across a failover between machines whose clocks disagree (the operator's clock is the
 * harness's processing time): the lost run's clock is 2096, the restored run's 1970. Whatever the
 * clocks, the restored run's updates must win under the store's rule (model version, then sequence)
 * over everything the lost run published, including what it published after its last completed
 * checkpoint, which Flink's restore rolls back but a reader may already hold.
 */
class TrainerSequenceTest {
  private static final int BATCH = 4;
  private static final long PUBLISH_MS = 1_000;
  private static final long AHEAD = 4_000_000_000_000L;
  private static final long BEHIND = 1_000L;

  private static TrainerHarness open(OperatorSubtaskState state, long clock, long restoredId)
      throws Exception {
    TrainerSettings settings =
        new TrainerSettings(
            ModelConfig.builder().dim(2).batchSize(BATCH).build(), 1, 0, PUBLISH_MS);
    return TrainerHarness.open(settings, new FakeModel.Factory(), 1, 0, state, clock, restoredId);
  }

  /** Two batches over users u0..u3 and items i0..i3. */
  private static void train(TrainerHarness h, long eventTime) {
    for (int k = 0; k < 2 * BATCH; k++) {
      h.click("u" + k % 4, "i" + (k + eventTime) % 4, eventTime + k);
    }
  }

  @Test
  void aRunRestoredOnAClockFarBehindPublishesAboveEverythingTheLostRunPublished() throws Exception {
    List<EmbeddingUpdate> lost;
    List<TrainerStatus> lostStatuses;
    OperatorSubtaskState completed;
    try (TrainerHarness a = open(null, AHEAD, -1)) {
      train(a, 0);
      a.setProcessingTime(AHEAD + PUBLISH_MS);
      completed = a.checkpoint(1, AHEAD + PUBLISH_MS); // the last checkpoint that completes
      train(a, 100);
      a.setProcessingTime(AHEAD + 2 * PUBLISH_MS); // published after it: rolled back by the restore
      a.checkpoint(2, AHEAD + 2 * PUBLISH_MS); // its barrier passes, the checkpoint never completes
      train(a, 200);
      a.setProcessingTime(AHEAD + 3 * PUBLISH_MS);
      lost = a.updates();
      lostStatuses = a.statuses();
    } // the TaskManager dies
    assertThat(lost).hasSizeGreaterThan(8);

    // Flink restores checkpoint 1; the next id its checkpoint counter hands out is 3
    List<EmbeddingUpdate> fresh;
    List<TrainerStatus> freshStatuses;
    try (TrainerHarness b = open(completed, BEHIND, 1)) {
      train(b, 100);
      b.setProcessingTime(BEHIND + PUBLISH_MS);
      assertThat(b.updates()).as("nothing goes out before the first barrier").isEmpty();
      b.checkpoint(3, BEHIND + PUBLISH_MS);
      assertThat(b.updates()).as("what trained meanwhile goes out at the barrier").isNotEmpty();
      train(b, 200);
      b.setProcessingTime(BEHIND + 2 * PUBLISH_MS);
      fresh = b.updates();
      freshStatuses = b.statuses();
    }

    long lostMax = lost.stream().mapToLong(EmbeddingUpdate::getSequence).max().orElseThrow();
    assertThat(fresh).allSatisfy(u -> assertThat(u.getSequence()).isGreaterThan(lostMax));
    assertThat(freshStatuses)
        .isNotEmpty()
        .allSatisfy(
            s ->
                assertThat(s.getSequence())
                    .isGreaterThan(
                        lostStatuses.stream()
                            .mapToLong(TrainerStatus::getSequence)
                            .max()
                            .orElseThrow()));
    assertThat(freshStatuses).extracting(TrainerStatus::getSequence).isSorted();

    // a reader that got the fresh updates first and the lost ones late (the worst order) keeps the
    // fresh run's last update of every key
    Map<String, EmbeddingUpdate> expected = new LinkedHashMap<>();
    fresh.forEach(u -> expected.put(key(u), u));
    Map<String, EmbeddingUpdate> kept = new HashMap<>();
    List<EmbeddingUpdate> arrivals = new ArrayList<>(fresh);
    arrivals.addAll(lost);
    for (EmbeddingUpdate u : arrivals) {
      kept.merge(key(u), u, (current, next) -> supersedes(next, current) ? next : current);
    }
    expected.forEach((key, u) -> assertThat(kept.get(key)).as(key).isSameAs(u));
  }

  @Test
  void aFreshRunPublishesAtOnceAndSequencesOnlyGrow() throws Exception {
    try (TrainerHarness h = open(null, BEHIND, -1)) {
      train(h, 0);
      h.setProcessingTime(BEHIND + PUBLISH_MS);
      assertThat(h.updates()).as("the job's first run has no lost run to wait for").isNotEmpty();
      h.checkpoint(1, BEHIND + PUBLISH_MS);
      h.setProcessingTime(BEHIND + 2 * PUBLISH_MS);
      h.setProcessingTime(BEHIND + 3 * PUBLISH_MS);
      assertThat(h.statuses())
          .extracting(TrainerStatus::getSequence)
          .hasSizeGreaterThanOrEqualTo(3)
          .isSorted()
          .doesNotHaveDuplicates()
          .allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(1L << 42));
    }
  }

  /** The store's rule ({@code StoredVector.supersedes}): higher model version, then sequence. */
  private static boolean supersedes(EmbeddingUpdate next, EmbeddingUpdate current) {
    if (next.getModelVersion() != current.getModelVersion()) {
      return next.getModelVersion() > current.getModelVersion();
    }
    return next.getSequence() > current.getSequence();
  }

  private static String key(EmbeddingUpdate u) {
    return u.getEntity() + ":" + u.getId();
  }
}

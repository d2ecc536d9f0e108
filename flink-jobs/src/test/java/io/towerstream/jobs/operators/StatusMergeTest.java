package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.schemas.avro.RankingWindow;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusMergeTest {
  private static TrainerStatus status(
      long events,
      double loss,
      long users,
      long items,
      long lastEvent,
      long windowEvents,
      double hr) {
    return TrainerStatus.newBuilder()
        .setModelVersion(3)
        .setSequence(1)
        .setPublishedAt(Instant.EPOCH)
        .setEventsTrained(events)
        .setBatches(events / 4)
        .setSkippedBatches(1)
        .setLoss(loss)
        .setUsers(users)
        .setItems(items)
        .setLastEventTime(Instant.ofEpochMilli(lastEvent))
        .setPrequential(
            Map.of(
                "towerstream",
                RankingWindow.newBuilder()
                    .setEvents(windowEvents)
                    .setHitRate10(hr)
                    .setRecall20(hr)
                    .setNdcg20(hr)
                    .setMrr(hr)
                    .build()))
        .build();
  }

  @Test
  void countersAddUpItemsAreTheLargestReplicaAndMetricsAreWeightedByEvents() {
    TrainerStatus merged =
        StatusMerge.merge(
            List.of(
                status(400, 3.0, 10, 50, 7, 100, 0.2),
                status(800, 2.0, 20, 48, 9, 300, 0.4),
                status(0, Double.NaN, 0, 0, 0, 0, 0)),
            99,
            Instant.ofEpochMilli(5));
    assertThat(merged.getTrainers()).isEqualTo(3);
    assertThat(merged.getEventsTrained()).isEqualTo(1200);
    assertThat(merged.getBatches()).isEqualTo(300);
    assertThat(merged.getSkippedBatches()).isEqualTo(3);
    assertThat(merged.getUsers()).isEqualTo(30);
    assertThat(merged.getItems()).isEqualTo(50);
    assertThat(merged.getLoss()).as("subtasks that trained").isCloseTo(2.5, within(1e-12));
    assertThat(merged.getLastEventTime()).isEqualTo(Instant.ofEpochMilli(9));
    assertThat(merged.getSequence()).isEqualTo(99);
    assertThat(merged.getModelVersion()).isEqualTo(3);
    RankingWindow w = merged.getPrequential().get("towerstream");
    assertThat(w.getEvents()).isEqualTo(400);
    assertThat(w.getHitRate10()).isCloseTo((100 * 0.2 + 300 * 0.4) / 400, within(1e-12));
  }
}

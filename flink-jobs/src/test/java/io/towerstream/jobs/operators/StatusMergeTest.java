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

  @Test
  void collapseMetricsAreTheMeanOfTheSubtasksThatMeasuredThem() {
    TrainerStatus a = status(400, 3.0, 10, 50, 7, 100, 0.2);
    a.setCollapse(
        io.towerstream.schemas.avro.CollapseMetrics.newBuilder()
            .setAlignment(0.4)
            .setUniformity(-3)
            .setEffectiveRank(20)
            .setMeanCosine(0.1)
            .setItems(100)
            .build());
    TrainerStatus b = status(800, 2.0, 20, 48, 9, 300, 0.4);
    b.setCollapse(
        io.towerstream.schemas.avro.CollapseMetrics.newBuilder()
            .setAlignment(0.6)
            .setUniformity(-2)
            .setEffectiveRank(10)
            .setMeanCosine(0.3)
            .setItems(50)
            .build());
    TrainerStatus none = status(0, Double.NaN, 0, 0, 0, 0, 0);
    var merged = StatusMerge.merge(List.of(a, b, none), 1, Instant.EPOCH).getCollapse();
    assertThat(merged.getAlignment()).isCloseTo(0.5, within(1e-12));
    assertThat(merged.getUniformity()).isCloseTo(-2.5, within(1e-12));
    assertThat(merged.getEffectiveRank()).isCloseTo(15, within(1e-12));
    assertThat(merged.getMeanCosine()).isCloseTo(0.2, within(1e-12));
    assertThat(merged.getItems()).isEqualTo(150);
    assertThat(StatusMerge.merge(List.of(none), 1, Instant.EPOCH).getCollapse()).isNull();
  }
}

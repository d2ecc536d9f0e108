package io.towerstream.jobs.operators;

import io.towerstream.schemas.avro.CollapseMetrics;
import io.towerstream.schemas.avro.RankingWindow;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One job-level {@link TrainerStatus} from the latest status of each trainer subtask: counters
 * summed (users are disjoint across subtasks), items the largest replica's count (every replica
 * holds the catalogue), the loss averaged over subtasks that have trained, the newest event time,
 * each scorer's test-then-train metrics averaged weighted by the events in each subtask's window,
 * and the collapse metrics averaged over the subtasks that measured them (items summed).
 */
final class StatusMerge {
  private StatusMerge() {}

  static TrainerStatus merge(Collection<TrainerStatus> latest, long sequence, Instant at) {
    long events = 0;
    long batches = 0;
    long skipped = 0;
    long users = 0;
    long items = 0;
    long lastEvent = 0;
    double lossSum = 0;
    int losses = 0;
    long modelVersion = 0;
    double sampleRate = Double.POSITIVE_INFINITY;
    Map<String, double[]> sums =
        new LinkedHashMap<>(); // per scorer: events, hr, recall, ndcg, mrr (weighted)
    boolean anyPrequential = false;
    double[] collapse = new double[4]; // alignment, uniformity, effective rank, mean cosine
    int collapseCount = 0;
    int collapseItems = 0;
    for (TrainerStatus s : latest) {
      CollapseMetrics c = s.getCollapse();
      if (c != null) {
        collapse[0] += c.getAlignment();
        collapse[1] += c.getUniformity();
        collapse[2] += c.getEffectiveRank();
        collapse[3] += c.getMeanCosine();
        collapseItems += c.getItems();
        collapseCount++;
      }
      modelVersion = s.getModelVersion();
      sampleRate = Math.min(sampleRate, s.getPrequentialSampleRate());
      events += s.getEventsTrained();
      batches += s.getBatches();
      skipped += s.getSkippedBatches();
      users += s.getUsers();
      items = Math.max(items, s.getItems());
      lastEvent = Math.max(lastEvent, s.getLastEventTime().toEpochMilli());
      if (s.getEventsTrained() > 0 && Double.isFinite(s.getLoss())) {
        lossSum += s.getLoss();
        losses++;
      }
      if (s.getPrequential() != null) {
        anyPrequential = true;
        s.getPrequential()
            .forEach(
                (scorer, w) -> {
                  double[] acc = sums.computeIfAbsent(scorer, k -> new double[5]);
                  double n = w.getEvents();
                  acc[0] += n;
                  acc[1] += n * w.getHitRate10();
                  acc[2] += n * w.getRecall20();
                  acc[3] += n * w.getNdcg20();
                  acc[4] += n * w.getMrr();
                });
      }
    }
    Map<String, RankingWindow> prequential = null;
    if (anyPrequential) {
      prequential = new LinkedHashMap<>();
      for (Map.Entry<String, double[]> e : sums.entrySet()) {
        double[] a = e.getValue();
        double n = Math.max(1, a[0]);
        prequential.put(
            e.getKey(),
            RankingWindow.newBuilder()
                .setEvents((long) a[0])
                .setHitRate10(a[1] / n)
                .setRecall20(a[2] / n)
                .setNdcg20(a[3] / n)
                .setMrr(a[4] / n)
                .build());
      }
    }
    return TrainerStatus.newBuilder()
        .setModelVersion(modelVersion)
        .setSequence(sequence)
        .setPublishedAt(at)
        .setEventsTrained(events)
        .setBatches(batches)
        .setSkippedBatches(skipped)
        .setLoss(losses == 0 ? Double.NaN : lossSum / losses)
        .setUsers(users)
        .setItems(items)
        .setLastEventTime(Instant.ofEpochMilli(lastEvent))
        .setPrequential(prequential)
        .setTrainers(latest.size())
        .setPrequentialSampleRate(sampleRate == Double.POSITIVE_INFINITY ? 0 : sampleRate)
        .setCollapse(
            collapseCount == 0
                ? null
                : CollapseMetrics.newBuilder()
                    .setAlignment(collapse[0] / collapseCount)
                    .setUniformity(collapse[1] / collapseCount)
                    .setEffectiveRank(collapse[2] / collapseCount)
                    .setMeanCosine(collapse[3] / collapseCount)
                    .setItems(collapseItems)
                    .build())
        .build();
  }
}

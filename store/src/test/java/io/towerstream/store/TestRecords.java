package io.towerstream.store;

import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded test data: embedding updates, trainer statuses, random vectors. */
public final class TestRecords {
  public static final long T0 = 1_700_000_000_000L;

  private TestRecords() {}

  public static EmbeddingUpdate update(
      Entity entity, String id, float[] vector, long version, long sequence) {
    List<Float> values = new ArrayList<>(vector.length);
    for (float x : vector) {
      values.add(x);
    }
    return EmbeddingUpdate.newBuilder()
        .setEntity(entity)
        .setId(id)
        .setVector(values)
        .setModelVersion(version)
        .setSequence(sequence)
        .setUpdatedAt(Instant.ofEpochMilli(T0 + sequence))
        .build();
  }

  public static TrainerStatus trainerStatus(
      long version, long sequence, long eventsTrained, double loss) {
    return TrainerStatus.newBuilder()
        .setModelVersion(version)
        .setSequence(sequence)
        .setPublishedAt(Instant.ofEpochMilli(T0 + sequence))
        .setEventsTrained(eventsTrained)
        .setBatches(eventsTrained / 10)
        .setSkippedBatches(0)
        .setLoss(loss)
        .setUsers(3)
        .setItems(7)
        .setLastEventTime(Instant.ofEpochMilli(T0))
        .setPrequential(
            java.util.Map.of(
                "towerstream",
                io.towerstream.schemas.avro.RankingWindow.newBuilder()
                    .setEvents(500)
                    .setHitRate10(0.25)
                    .setRecall20(0.375)
                    .setNdcg20(0.125)
                    .setMrr(0.0625)
                    .build()))
        .setCollapse(
            io.towerstream.schemas.avro.CollapseMetrics.newBuilder()
                .setAlignment(0.5)
                .setUniformity(-2.5)
                .setEffectiveRank(12.5)
                .setMeanCosine(0.125)
                .setItems(7)
                .build())
        .build();
  }

  /** A random unit vector. */
  public static float[] unitVector(Random random, int dim) {
    float[] v = new float[dim];
    double norm = 0;
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
      norm += v[i] * v[i];
    }
    for (int i = 0; i < dim; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  public static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}

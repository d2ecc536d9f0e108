package io.towerstream.jobs.operators;

import io.towerstream.model.EntityKind;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Publishes one subtask's share of the model in two steps: the rows changed since the last publish
 * as {@link EmbeddingUpdate}s ({@link #publishChanged}), then one {@link TrainerStatus} ({@link
 * #publishStatus}), all stamped with one fresh sequence ({@link PublishSequence}). Users go out
 * from the subtask that owns them, items from the one that owns them as a key.
 *
 * <p>Items that nobody clicked since the last publish go out at most every {@code
 * publish.item-refresh-ms}, and in every publish of an idle subtask (nothing trained since the last
 * one): a quiet job's topic then catches up with its model.
 *
 * <p>Not thread-safe: the task thread calls it.
 */
final class TrainerPublisher {
  /**
   * A user update carries this many of the user's pooled items: enough to explain the candidates,
   * few bytes.
   */
  static final int PUBLISHED_RECENT_ITEMS = 20;

  /**
   * One publish under way: its sequence and time, and whether the subtask was idle since the last.
   */
  record Round(long sequence, Instant at, boolean idle) {}

  private final OnlineModel model;
  private final BatchTrainer trainer;
  private final PublishSequence sequence;
  private final Predicate<String> publishesItem;
  private final TrainerSettings settings;
  private final TrainerMetrics metrics;
  private final Consumer<EmbeddingUpdate> updates;
  private final Consumer<TrainerStatus> statuses;

  /** When every changed item last went out. */
  private long lastFullPublish;

  /** The events trained at the previous publish; -1 before, so that the first is never idle. */
  private long eventsAtLastPublish = -1;

  /**
   * @param publishesItem whether this subtask publishes an item
   * @param updates takes the embedding updates, in order
   * @param statuses takes each publish's status, after its updates
   */
  TrainerPublisher(
      OnlineModel model,
      BatchTrainer trainer,
      PublishSequence sequence,
      Predicate<String> publishesItem,
      TrainerSettings settings,
      TrainerMetrics metrics,
      Consumer<EmbeddingUpdate> updates,
      Consumer<TrainerStatus> statuses) {
    this.model = model;
    this.trainer = trainer;
    this.sequence = sequence;
    this.publishesItem = publishesItem;
    this.settings = settings;
    this.metrics = metrics;
    this.updates = updates;
    this.statuses = statuses;
  }

  /**
   * Emits every changed user and the changed items this subtask publishes (all of them with {@code
   * everything}, every {@code publish.item-refresh-ms} and when idle, else the clicked ones), and
   * opens a round for the status. Returns null, publishing nothing, while the sequence is withheld
   * (unless {@code everything}): the changes stay marked and go out at the first barrier.
   */
  Round publishChanged(long now, boolean everything) {
    if (sequence.withheld() && !everything) {
      return null;
    }
    long trained = model.stats().eventsTrained();
    boolean idle = trained == eventsAtLastPublish;
    long refreshMs = settings.itemRefreshMs();
    boolean full = everything || refreshMs == 0 || now - lastFullPublish >= refreshMs || idle;
    eventsAtLastPublish = trained;
    if (full) {
      lastFullPublish = now;
    }
    Round round = new Round(sequence.next(), Instant.ofEpochMilli(now), idle);
    metrics.published(round.sequence());
    long modelVersion = settings.modelVersion();
    long checkpointEpoch = sequence.checkpointEpoch();
    model.drainChanged(
        (kind, id, vector, bias) -> {
          List<String> recent =
              kind == EntityKind.USER ? model.recentItems(id, PUBLISHED_RECENT_ITEMS) : List.of();
          updates.accept(
              update(kind, id, vector, bias, recent, modelVersion, round, checkpointEpoch));
          metrics.updatePublished();
        },
        publishesItem,
        !full);
    return round;
  }

  /** Emits the round's status: this subtask's progress, model counters and quality measures. */
  void publishStatus(Round round) {
    ModelStats s = model.stats();
    metrics.modelStats(s);
    CollapseMetrics measured = trainer.measureCollapse();
    metrics.collapse(measured);
    TrainerCheckpoint.Counters c = trainer.progress();
    statuses.accept(
        TrainerStatus.newBuilder()
            .setModelVersion(settings.modelVersion())
            .setSequence(round.sequence())
            .setPublishedAt(round.at())
            .setEventsTrained(c.events())
            .setBatches(c.batches())
            .setSkippedBatches(c.skipped())
            .setLoss(s.lossEma())
            .setPrequential(trainer.prequentialWindows())
            .setUsers(s.users())
            .setItems(s.items())
            .setLastEventTime(Instant.ofEpochMilli(s.lastEventTimeMillis()))
            .setTrainers(1)
            .setPrequentialSampleRate(trainer.prequentialSampleRate())
            .setCollapse(measured.items() == 0 ? null : collapseRecord(measured))
            .build());
  }

  private static io.towerstream.schemas.avro.CollapseMetrics collapseRecord(CollapseMetrics m) {
    return io.towerstream.schemas.avro.CollapseMetrics.newBuilder()
        .setAlignment(m.alignment())
        .setUniformity(m.uniformity())
        .setEffectiveRank(m.effectiveRank())
        .setMeanCosine(m.meanCosine())
        .setItems(m.items())
        .build();
  }

  private static EmbeddingUpdate update(
      EntityKind kind,
      String id,
      float[] vector,
      float bias,
      List<String> recentItems,
      long modelVersion,
      Round round,
      long checkpointEpoch) {
    List<Float> values = new ArrayList<>(vector.length);
    for (float v : vector) {
      values.add(v);
    }
    return EmbeddingUpdate.newBuilder()
        .setEntity(kind == EntityKind.USER ? Entity.USER : Entity.ITEM)
        .setId(id)
        .setVector(values)
        .setBias(bias)
        .setRecentItems(recentItems)
        .setModelVersion(modelVersion)
        .setSequence(round.sequence())
        .setCheckpointEpoch(checkpointEpoch)
        .setUpdatedAt(round.at())
        .build();
  }
}

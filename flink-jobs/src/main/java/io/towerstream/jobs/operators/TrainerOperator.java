package io.towerstream.jobs.operators;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.features.FeatureTokens;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.TrainerStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trainer subtask: batches its share of the click stream (keyed by user id), trains its replica
 * of the model, keeps the replicas in step through deltas, publishes changed rows and keeps
 * everything in checkpoints. A thin shell that owns the Flink lifecycle, state, timers and outputs,
 * around {@link OnlineModel} and parts that do one thing each: {@link EventBatcher} (batches),
 * {@link BatchTrainer} (training and its measures), {@link ReplicaSync} (deltas, bad deltas, the
 * replica fingerprint), {@link TrainerPublisher} and {@link PublishSequence} (what goes out, and
 * its sequence), {@link UserRowState} (keyed user rows) and {@link TrainerMetrics}.
 *
 * <p><b>Sharding.</b> Input 1 is keyed by user, so each user's events, row and history live on one
 * subtask; the user rows are written through to keyed state, which Flink moves with its keys when
 * the job rescales. Every subtask holds a replica of the item rows and tower weights. Every {@code
 * sync.interval-ms}, and before every checkpoint barrier, it sends what it changed as a delta on
 * {@link #SYNC}; input 2 brings every subtask's deltas back (broadcast from the sync topic), and
 * the {@link SyncLedger} decides which to add; a delta the model refuses goes to {@link
 * #REJECTED_DELTAS}. Items are published by one subtask each, by key group, users by their own.
 * With one subtask, nothing is sent and the model is exactly the single-owner model.
 *
 * <p><b>Side features.</b> Input 2 also brings the item catalogue (broadcast from the item-features
 * topic, so every replica holds every item's features): each record replaces the item's feature
 * tokens ({@link FeatureTokens}, {@code model.item-features.*}), a removal clears them. An item
 * with features and no click yet gets a row and is published (cold start). The features are part of
 * the model, so of its checkpoint.
 *
 * <p><b>Publishing.</b> Every {@code publish.interval-ms} the rows changed since the last publish
 * go out as {@link EmbeddingUpdate}s on the main output, followed by one {@link TrainerStatus} on
 * {@link #STATUS}, all with one sequence; a run that may follow a lost one publishes from its first
 * checkpoint barrier on ({@link PublishSequence}).
 *
 * <p><b>State.</b> Keyed: each user's row. Union list: each subtask's {@link TrainerCheckpoint}
 * (fields, open batch, sync ledger, evaluator), and in subtask 0's the model's shared part, from
 * which every replica restores ({@link TrainerRestore}).
 *
 * <p>Transient fields are set in {@link #initializeState}: a cluster deserialises the operator,
 * which skips field initialisers. The parts are created there too, so they need not be
 * serialisable.
 */
public final class TrainerOperator extends AbstractStreamOperator<EmbeddingUpdate>
    implements TwoInputStreamOperator<ClickEvent, TrainerSideInput, EmbeddingUpdate> {
  private static final long serialVersionUID = 2L;

  /**
   * Our own logger: the inherited one is named after Flink's AbstractStreamOperator and filtered
   * with Flink's.
   */
  private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

  /** {@link PublishSequence#EPOCH_OFFSET}, for tests that compute sequences. */
  static final long SEQUENCE_EPOCH_OFFSET = PublishSequence.EPOCH_OFFSET;

  /**
   * One status per publish, after that publish's embedding updates, with this subtask's index: the
   * {@link StatusAggregator} makes one job-level status of them.
   */
  public static final OutputTag<Tuple2<Integer, TrainerStatus>> STATUS =
      new OutputTag<>(
          "trainer-status",
          new TupleTypeInfo<>(
              BasicTypeInfo.INT_TYPE_INFO, AvroTypeInfo.forClass(TrainerStatus.class)));

  /** This subtask's deltas for the other replicas. */
  public static final OutputTag<ModelDelta> SYNC =
      new OutputTag<>("model-sync", AvroTypeInfo.forClass(ModelDelta.class));

  /** Deltas of other replicas the model refused, with the reason, for the dead-letter topic. */
  public static final OutputTag<DeadLetter> REJECTED_DELTAS =
      new OutputTag<>("model-sync-dead-letters", AvroTypeInfo.forClass(DeadLetter.class));

  private final TrainerSettings settings;
  private final ModelFactory models;

  /** The sync topic's name, for the dead letters of refused deltas. */
  private final String syncTopic;

  private transient TrainerSubtask subtask;
  private transient OnlineModel model;
  private transient FeatureTokens featureTokens;
  private transient UserRowState userRows;
  private transient ListState<byte[]> trainerState;
  private transient TrainerMetrics metrics;
  private transient EventBatcher batcher;
  private transient BatchTrainer trainer;
  private transient ReplicaSync sync;
  private transient PublishSequence sequence;
  private transient TrainerPublisher publisher;

  public TrainerOperator(TrainerSettings settings, ModelFactory models, String syncTopic) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.models = Objects.requireNonNull(models, "models");
    this.syncTopic = Objects.requireNonNull(syncTopic, "syncTopic");
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    AvroTrust.ensure();
    TaskInfo task = getRuntimeContext().getTaskInfo();
    subtask =
        new TrainerSubtask(
            task.getIndexOfThisSubtask(),
            task.getNumberOfParallelSubtasks(),
            task.getMaxNumberOfParallelSubtasks(),
            task.getAttemptNumber());
    userRows =
        new UserRowState(
            context.getKeyedStateStore().getState(UserRowState.descriptor()),
            getKeyedStateBackend(),
            this::setCurrentKey);
    trainerState =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "trainer-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    featureTokens = settings.model().featureTokens();
    metrics = new TrainerMetrics();
    TrainerRestore restored = context.isRestored() ? restore() : null;
    long origin = ThreadLocalRandom.current().nextLong();
    long generation = generation(context.getRestoredCheckpointId().orElse(-1));
    SyncLedger ledger;
    if (restored == null) {
      model = models.create(settings.model());
      ledger = SyncLedger.fresh(origin, generation);
    } else {
      model = models.restore(restored.sharedModel(), settings.model());
      model.importUserRows(userRows.readAll());
      ledger = SyncLedger.restored(origin, generation, restored.baseLedger(), restored.ledgers());
      LOG.info(
          "Trainer {}/{} restored from checkpoint {} of {} subtask(s): {} events trained, {} users, {} "
              + "items, {} pending events, {} senders still owed deltas",
          subtask.index(),
          subtask.parallelism(),
          context.getRestoredCheckpointId().orElse(0),
          restored.ledgers().size(),
          restored.counters().events(),
          model.stats().users(),
          model.stats().items(),
          restored.pendingBatch().size(),
          ledger.openOrigins());
    }
    model.trackUserRows();
    if (subtask.replicated()) {
      model.trackReplicaDelta();
    }
    sync =
        new ReplicaSync(
            model,
            ledger,
            subtask,
            settings.modelVersion(),
            syncTopic,
            metrics,
            delta -> output.collect(SYNC, new StreamRecord<>(delta)),
            rejected -> output.collect(REJECTED_DELTAS, new StreamRecord<>(rejected)));
    trainer =
        new BatchTrainer(
            model,
            evaluator(restored),
            restored == null ? TrainerCheckpoint.Counters.ZERO : restored.counters(),
            metrics);
    batcher =
        new EventBatcher(
            settings.model().batchSize(),
            settings.batchMaxWaitMs(),
            restored == null ? List.of() : restored.pendingBatch(),
            timers(),
            trainer::train,
            metrics::pendingEvents);
    sequence =
        new PublishSequence(
            restored == null ? 0 : restored.lastSequence(),
            context.getRestoredCheckpointId(),
            context.isRestored() || subtask.attempt() > 0);
    metrics.lastSequence(sequence.last());
    publisher =
        new TrainerPublisher(
            model,
            trainer,
            sequence,
            subtask.replicated() ? subtask::owns : id -> true,
            settings,
            metrics,
            update -> output.collect(new StreamRecord<>(update)),
            status ->
                output.collect(STATUS, new StreamRecord<>(Tuple2.of(subtask.index(), status))));
  }

  /** What this subtask takes from every old subtask's state; null when there is none. */
  private TrainerRestore restore() throws Exception {
    List<TrainerCheckpoint> saved = new ArrayList<>();
    trainerState.get().forEach(bytes -> saved.add(TrainerCheckpoint.decode(bytes)));
    if (saved.isEmpty()) {
      return null;
    }
    return TrainerRestore.of(
        saved, subtask.index(), subtask.parallelism(), settings.modelVersion(), subtask::owns);
  }

  /** The test-then-train evaluator, restored where the checkpoint has this subtask's. */
  private PrequentialEvaluator evaluator(TrainerRestore restored) {
    byte[] saved = restored == null ? null : restored.evaluator();
    if (settings.prequentialEnabled() && restored != null && saved == null) {
      LOG.info(
          "Trainer {}/{}: test-then-train evaluation starts again (the checkpoint was written at parallelism "
              + "{}, or without it)",
          subtask.index(),
          subtask.parallelism(),
          restored.oldParallelism());
    }
    return BatchTrainer.evaluator(settings, saved);
  }

  /**
   * Identifies this run of the job: deltas from senders that neither the restored checkpoint knew
   * nor this run started are orphans of an abandoned run (see {@link SyncLedger}). Every subtask of
   * one restart shares the job, the restored checkpoint and the attempt number (a failover restarts
   * the whole trainer region together).
   */
  private long generation(long restoredCheckpoint) {
    long h = getRuntimeContext().getJobInfo().getJobId().hashCode();
    h = h * 0x9E3779B97F4A7C15L + subtask.attempt();
    h = h * 0x9E3779B97F4A7C15L + restoredCheckpoint;
    return h ^ (h >>> 29);
  }

  @Override
  public void open() throws Exception {
    super.open();
    metrics.register(getMetricGroup(), subtask.replicated());
    long now = now();
    batcher.start(now);
    getProcessingTimeService()
        .registerTimer(now + settings.publishIntervalMs(), this::onPublishTime);
    if (subtask.replicated()) {
      getProcessingTimeService().registerTimer(now + settings.syncIntervalMs(), this::onSyncTime);
    }
  }

  @Override
  public void processElement1(StreamRecord<ClickEvent> record) {
    ClickEvent click = record.getValue();
    metrics.eventReceived();
    batcher.add(
        new Interaction(
            click.getUserId(),
            click.getItemId(),
            click.getWeight(),
            click.getEventTime().toEpochMilli()));
  }

  @Override
  public void processElement2(StreamRecord<TrainerSideInput> record) {
    TrainerSideInput in = record.getValue();
    if (in.delta != null) {
      sync.receive(in.delta);
    } else if (in.features != null) {
      ItemFeatures f = in.features;
      model.setItemFeatures(
          f.getItemId(), featureTokens.of(f.getCategories(), f.getTags(), f.getNumeric()));
      metrics.itemFeaturesReceived();
    } else if (in.removedItemId != null) {
      model.setItemFeatures(in.removedItemId, List.of());
      metrics.itemFeaturesReceived();
    }
  }

  /**
   * The barrier follows: this subtask's changes go out first, so the checkpoint owes nothing
   * unsent.
   */
  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    if (sequence.barrier(checkpointId)) { // the first barrier of a run that may follow a lost one
      publish(false); // before the barrier, so committed with this checkpoint
    }
    sync.send();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    sequence.checkpointTaken(context.getCheckpointId());
    userRows.writeChanged(model);
    byte[] shared = subtask.index() == 0 ? model.snapshotWithoutUsers() : null;
    trainerState.update(
        List.of(
            new TrainerCheckpoint(
                    settings.modelVersion(),
                    subtask.index(),
                    subtask.parallelism(),
                    sequence.last(),
                    batcher.pending(),
                    trainer.progress(),
                    sync.save(),
                    shared,
                    trainer.evaluatorSnapshot())
                .encode()));
  }

  /**
   * End of a bounded input (or stop with drain): train what is left, then publish the whole model
   * (every row this subtask publishes, changed or not), so the topic's latest value per key is the
   * final model's output.
   */
  @Override
  public void finish() throws Exception {
    if (model == null) { // initialisation failed; nothing to flush
      super.finish();
      return;
    }
    batcher.flush();
    model.markAllChanged();
    publish(true);
    sync.send();
    super.finish();
  }

  private void onPublishTime(long time) {
    publish(false);
    getProcessingTimeService()
        .registerTimer(now() + settings.publishIntervalMs(), this::onPublishTime);
  }

  private void onSyncTime(long time) {
    sync.send();
    getProcessingTimeService().registerTimer(now() + settings.syncIntervalMs(), this::onSyncTime);
  }

  /**
   * Publishes the changed rows (with {@code everything}, the whole model as marked) and a status,
   * unless publishing is withheld until the first barrier.
   */
  private void publish(boolean everything) {
    TrainerPublisher.Round round = publisher.publishChanged(now(), everything);
    if (round == null) {
      return; // withheld: the changes stay marked and go out at the first barrier
    }
    userRows.writeChanged(model); // after the drain: rows then say they are published
    if (round.idle()) {
      sync.idle();
    }
    publisher.publishStatus(round);
  }

  private long now() {
    return getProcessingTimeService().getCurrentProcessingTime();
  }

  private EventBatcher.Timers timers() {
    return new EventBatcher.Timers() {
      @Override
      public long now() {
        return TrainerOperator.this.now();
      }

      @Override
      public ScheduledFuture<?> register(long time, LongConsumer onTime) {
        return getProcessingTimeService().registerTimer(time, onTime::accept);
      }
    };
  }

  /** The replica fingerprint gauge's value, for tests. */
  double replicaFingerprint() {
    return metrics.replicaFingerprint();
  }

  /** The live model, for tests; not thread-safe. */
  OnlineModel model() {
    return model;
  }
}

package io.towerstream.jobs.operators;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.jobs.sync.SyncLedger;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import io.towerstream.model.UserRow;
import io.towerstream.model.UserRowSink;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.eval.PrequentialMetrics;
import io.towerstream.model.features.FeatureTokens;
import io.towerstream.model.monitor.CollapseMetrics;
import io.towerstream.model.monitor.CollapseMonitor;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import io.towerstream.schemas.avro.RankingWindow;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.api.java.typeutils.TupleTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trainer subtask: batches its share of the click stream (keyed by user id), trains its replica
 * of the model, keeps the replicas in step through deltas, publishes changed rows and keeps
 * everything in checkpoints. A thin shell around {@link OnlineModel}.
 *
 * <p><b>Sharding.</b> Input 1 is keyed by user, so each user's events, row and history live on one
 * subtask; the user rows are written through to keyed state ({@code user-rows}), which Flink
 * snapshots per key group and moves with its keys when the job rescales. Every subtask holds a
 * replica of the item rows and tower weights. Every {@code sync.interval-ms}, and before every
 * checkpoint barrier, it sends what it changed as a delta on {@link #SYNC}; input 2 brings every
 * subtask's deltas back (broadcast from the sync topic), and the {@link SyncLedger} decides which
 * to add. Items are published by one subtask each, by key group, users by their own. With one
 * subtask, nothing is sent and the model is exactly the single-owner model.
 *
 * <p><b>Bad deltas.</b> A delta the model refuses is skipped whole and training goes on; one
 * subtask puts it on {@link #REJECTED_DELTAS} for the dead-letter topic ({@link ReplicaSync}).
 *
 * <p><b>Side features.</b> Input 2 also brings the item catalogue (broadcast from the item-features
 * topic, so every replica holds every item's features): each record replaces the item's feature
 * tokens ({@link FeatureTokens}, {@code model.item-features.*}), a removal clears them. An item
 * with features and no click yet gets a row and is published (cold start). The features are part of
 * the model, so of its checkpoint.
 *
 * <p><b>Batches.</b> Events are buffered in arrival order; a batch closes when it holds {@code
 * model.batch-size} events, or {@code batch.max-wait-ms} of processing time after its first event.
 * Given the same input order, count-closed batches are identical on every run; the time bound
 * trades that for latency (0 disables it).
 *
 * <p><b>Publishing.</b> Every {@code publish.interval-ms} the rows changed since the last publish
 * go out as {@link EmbeddingUpdate}s on the main output, followed by one {@link TrainerStatus} on
 * {@link #STATUS}. All records of one publish share a {@code sequence} that no clock enters: its
 * high 32 bits are the <em>sequence epoch</em> ({@value #SEQUENCE_EPOCH_OFFSET} plus the id of the
 * last checkpoint whose barrier this run has seen, plus one), its low bits count the publishes of
 * that epoch. {@code last} is checkpointed and taken over on restore (the highest of every old
 * subtask), so sequences increase within a run and for keys that move to another subtask. A run
 * that may follow a lost one (restored, or a later attempt) publishes nothing until its first
 * checkpoint barrier: Flink's checkpoint ids only grow, so that barrier's id is above every id the
 * lost run saw, and everything the new run publishes sorts above everything the lost run did, even
 * the updates it published after its last completed checkpoint, whatever the machines' clocks say.
 * The wait costs nothing under exactly-once delivery, where those records are committed by that
 * checkpoint anyway. Each update also carries its {@code checkpointEpoch}: the id of the checkpoint
 * whose completion commits it (the last checkpoint taken or restored, plus one), so a reader can
 * tell which updates a restore may replay.
 *
 * <p><b>State.</b> Keyed: each user's row. Union list: each subtask's {@link TrainerCheckpoint}
 * (fields, pending batch, sync ledger), and in subtask 0's the model's shared part, from which
 * every replica restores ({@link TrainerRestore}). The partial batch is kept rather than trained
 * early, so checkpoints do not change which events share a batch.
 *
 * <p><b>Quality.</b> With {@code eval.prequential.sample-rate > 0} a {@link PrequentialEvaluator}
 * scores each batch's events before the batch trains (those from {@code eval.prequential.from-time}
 * on); the metrics restart with the operator (not checkpointed).
 */
public final class TrainerOperator extends AbstractStreamOperator<EmbeddingUpdate>
    implements TwoInputStreamOperator<ClickEvent, TrainerSideInput, EmbeddingUpdate> {
  private static final long serialVersionUID = 2L;

  /**
   * Our own logger: the inherited one is named after Flink's AbstractStreamOperator and filtered
   * with Flink's.
   */
  private static final Logger LOG = LoggerFactory.getLogger(TrainerOperator.class);

  /**
   * Added to every sequence epoch, so that each sequence ({@code epoch << 32} and up, at least
   * 2<sup>42</sup>) lies above the wall-clock milliseconds earlier versions stamped (until 2109): a
   * job restored from their checkpoints supersedes what they published.
   */
  static final long SEQUENCE_EPOCH_OFFSET = 1024;

  static final String USER_ROWS = "user-rows";

  /**
   * A user update carries this many of the user's pooled items: enough to explain the candidates,
   * few bytes.
   */
  static final int PUBLISHED_RECENT_ITEMS = 20;

  /** Trained pairs the collapse monitor measures over: ~2 M multiply-adds a publish at dim 64. */
  static final int COLLAPSE_PAIRS = 256;

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

  private transient OnlineModel model;
  private transient FeatureTokens featureTokens;
  private transient ValueState<byte[]> userRows;
  private transient ListState<byte[]> trainerState;
  private transient EventBatcher batcher;
  private transient long lastSequence;

  /** The high part of the next sequences: the last checkpoint barrier's id plus one, 0 before. */
  private transient long sequenceEpoch;

  /** True from a restore (or a restart) until the first checkpoint barrier: see the class doc. */
  private transient boolean publishWithheld;

  /**
   * The checkpoint whose completion commits what is published now: the last one taken or restored,
   * plus one.
   */
  private transient long epoch;

  private transient TrainerSubtask subtask;
  private transient ReplicaSync sync;

  /**
   * Progress carried over from the restored subtasks, and the model's own counters at that moment.
   */
  private transient TrainerCheckpoint.Counters carried;

  private transient TrainerCheckpoint.Counters modelAtStart;

  /** When every changed item last went out, and the events trained at the previous publish. */
  private transient long lastFullPublish;

  // transient fields are set in initializeState: a cluster deserialises the operator, which skips
  // field initialisers and leaves them 0
  private transient long eventsAtLastPublish;

  private transient TrainerMetrics metrics;
  private transient PrequentialEvaluator prequential;

  /** The last trained pairs, measured for collapse at each publish. */
  private transient CollapseMonitor collapseMonitor;

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
        context
            .getKeyedStateStore()
            .getState(
                new ValueStateDescriptor<>(
                    USER_ROWS, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    trainerState =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "trainer-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    featureTokens = settings.model().featureTokens();
    eventsAtLastPublish = -1;
    metrics = new TrainerMetrics();
    lastSequence = 0;
    sequenceEpoch = 0;
    publishWithheld = context.isRestored() || subtask.attempt() > 0;
    long origin = ThreadLocalRandom.current().nextLong();
    long generation = generation(context.getRestoredCheckpointId().orElse(-1));
    epoch = context.getRestoredCheckpointId().orElse(0) + 1;
    List<TrainerCheckpoint> saved = new ArrayList<>();
    byte[] evaluatorState = null;
    List<Interaction> restoredBatch = List.of();
    SyncLedger ledger;
    if (context.isRestored()) {
      trainerState.get().forEach(bytes -> saved.add(TrainerCheckpoint.decode(bytes)));
    }
    if (saved.isEmpty()) {
      model = models.create(settings.model());
      ledger = SyncLedger.fresh(origin, generation);
      carried = TrainerCheckpoint.Counters.ZERO;
    } else {
      TrainerRestore r =
          TrainerRestore.of(
              saved,
              subtask.index(),
              subtask.parallelism(),
              settings.modelVersion(),
              subtask::owns);
      model = models.restore(r.sharedModel(), settings.model());
      model.importUserRows(readUserRows());
      ledger = SyncLedger.restored(origin, generation, r.baseLedger(), r.ledgers());
      restoredBatch = r.pendingBatch();
      lastSequence = r.lastSequence();
      carried = r.counters();
      evaluatorState = r.evaluator();
      LOG.info(
          "Trainer {}/{} restored from checkpoint {} of {} subtask(s): {} events trained, {} users, {} "
              + "items, {} pending events, {} senders still owed deltas",
          subtask.index(),
          subtask.parallelism(),
          epoch - 1,
          saved.size(),
          carried.events(),
          model.stats().users(),
          model.stats().items(),
          restoredBatch.size(),
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
    modelAtStart = counters(model.stats());
    metrics.started(model.stats(), carried);
    metrics.lastSequence(lastSequence);
    batcher =
        new EventBatcher(
            settings.model().batchSize(),
            settings.batchMaxWaitMs(),
            restoredBatch,
            timers(),
            this::train,
            metrics::pendingEvents);
    if (settings.prequentialEnabled()) {
      prequential =
          new PrequentialEvaluator(
              settings.prequentialWindow(),
              settings.prequentialPopularityWindow(),
              settings.prequentialSampleRate());
      if (settings.prequentialBudget() > 0) {
        prequential.withCostBudget(settings.prequentialBudget());
      }
      prequential.scoringFrom(settings.prequentialFromTimeMs());
      if (evaluatorState != null) {
        prequential.restore(evaluatorState);
      } else if (!saved.isEmpty()) {
        LOG.info(
            "Trainer {}/{}: test-then-train evaluation starts again (the checkpoint was written at parallelism "
                + "{}, or without it)",
            subtask.index(),
            subtask.parallelism(),
            saved.get(0).parallelism());
      }
      metrics.prequentialWindows(windows(prequential));
    }
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

  /** Every user row in this subtask's key groups (after a rescale, the key groups it now owns). */
  private List<UserRow> readUserRows() throws Exception {
    List<String> users;
    try (Stream<String> keys =
        getKeyedStateBackend()
            .<VoidNamespace>getKeys(USER_ROWS, VoidNamespace.INSTANCE)
            .map(String.class::cast)) {
      users = keys.collect(Collectors.toList());
    }
    List<UserRow> rows = new ArrayList<>(users.size());
    for (String user : users) {
      setCurrentKey(user);
      byte[] row = userRows.value();
      if (row != null) {
        rows.add(new UserRow(user, row));
      }
    }
    return rows;
  }

  @Override
  public void open() throws Exception {
    super.open();
    collapseMonitor = new CollapseMonitor(COLLAPSE_PAIRS);
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
    sequenceEpoch = Math.max(sequenceEpoch, checkpointId + 1);
    if (publishWithheld) { // the first barrier of a run that may follow a lost one
      publishWithheld = false;
      publish(); // before the barrier, so committed with this checkpoint
    }
    sync.send();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    epoch =
        context.getCheckpointId()
            + 1; // the barrier goes out after this: what follows is the next transaction's
    flushUserRows();
    byte[] shared = subtask.index() == 0 ? model.snapshotWithoutUsers() : null;
    trainerState.update(
        List.of(
            new TrainerCheckpoint(
                    settings.modelVersion(),
                    subtask.index(),
                    subtask.parallelism(),
                    lastSequence,
                    batcher.pending(),
                    reported(),
                    sync.save(),
                    shared,
                    prequential == null ? null : prequential.snapshot())
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

  // ------------------------------------------------------------------------------------------------------

  /** Trains one closed batch. */
  private void train(List<Interaction> batch) {
    if (prequential != null) {
      prequential.score(model, batch); // test, with the state from before this batch ...
    }
    long started = System.nanoTime();
    StepResult result = model.train(batch); // ... then train
    long took = System.nanoTime() - started;
    metrics.trained(took / 1_000_000, model.stats(), reported());
    collapseMonitor.observe(batch);
    if (prequential != null) {
      prequential.recordTraining(took);
      prequential.observe(batch);
      metrics.prequentialWindows(windows(prequential));
    }
    if (result.skipped()) {
      LOG.warn("Skipped a batch of {} events: loss or gradients were not finite", batch.size());
    }
  }

  private void onPublishTime(long time) {
    publish();
    getProcessingTimeService()
        .registerTimer(now() + settings.publishIntervalMs(), this::onPublishTime);
  }

  private void onSyncTime(long time) {
    sync.send();
    getProcessingTimeService().registerTimer(now() + settings.syncIntervalMs(), this::onSyncTime);
  }

  /**
   * Writes the user rows changed since the last flush through to keyed state, and removes evicted
   * users.
   */
  private void flushUserRows() {
    model.drainUserRows(
        new UserRowSink() {
          @Override
          public void changed(String userId, byte[] row) {
            setCurrentKey(userId);
            try {
              userRows.update(row);
            } catch (Exception e) {
              throw new IllegalStateException(
                  "cannot write the row of user " + userId + " to keyed state", e);
            }
          }

          @Override
          public void removed(String userId) {
            setCurrentKey(userId);
            userRows.clear();
          }
        });
  }

  /**
   * Emits every changed user, the owned items that changed (all of them every {@code
   * publish.item-refresh-ms} and when nothing trained since the last publish, else the clicked
   * ones) and one status, all stamped with a fresh sequence.
   */
  private void publish() {
    publish(false);
  }

  private void publish(boolean everything) {
    if (publishWithheld && !everything) {
      return; // the changes stay marked and go out at the first barrier
    }
    long now = now();
    long trained = model.stats().eventsTrained();
    boolean idle = trained == eventsAtLastPublish;
    boolean full =
        everything
            || settings.itemRefreshMs() == 0
            || now - lastFullPublish >= settings.itemRefreshMs()
            || idle;
    eventsAtLastPublish = trained;
    if (full) {
      lastFullPublish = now;
    }
    long sequence = Math.max(lastSequence + 1, (SEQUENCE_EPOCH_OFFSET + sequenceEpoch) << 32);
    lastSequence = sequence;
    metrics.published(sequence);
    Instant at = Instant.ofEpochMilli(now);
    long modelVersion = settings.modelVersion();
    long checkpointEpoch = epoch;
    model.drainChanged(
        (kind, id, vector, bias) -> {
          List<String> recent =
              kind == EntityKind.USER ? model.recentItems(id, PUBLISHED_RECENT_ITEMS) : List.of();
          output.collect(
              new StreamRecord<>(
                  update(
                      kind,
                      id,
                      vector,
                      bias,
                      recent,
                      modelVersion,
                      sequence,
                      checkpointEpoch,
                      at)));
          metrics.updatePublished();
        },
        subtask.replicated() ? subtask::owns : id -> true,
        !full);
    flushUserRows(); // after the drain: rows then say they are published
    if (idle) {
      sync.idle();
    }
    ModelStats s = model.stats();
    metrics.modelStats(s);
    CollapseMetrics measured = collapseMonitor.measure(model);
    metrics.collapse(measured);
    TrainerCheckpoint.Counters c = reported();
    output.collect(
        STATUS,
        new StreamRecord<>(
            Tuple2.of(
                subtask.index(),
                TrainerStatus.newBuilder()
                    .setModelVersion(modelVersion)
                    .setSequence(sequence)
                    .setPublishedAt(at)
                    .setEventsTrained(c.events())
                    .setBatches(c.batches())
                    .setSkippedBatches(c.skipped())
                    .setLoss(s.lossEma())
                    .setPrequential(metrics.prequentialWindows())
                    .setUsers(s.users())
                    .setItems(s.items())
                    .setLastEventTime(Instant.ofEpochMilli(s.lastEventTimeMillis()))
                    .setTrainers(1)
                    .setPrequentialSampleRate(prequential == null ? 0 : prequential.sampleRate())
                    .setCollapse(measured.items() == 0 ? null : collapseRecord(measured))
                    .build())));
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

  /** Progress this subtask reports: what it carried over plus what its model did since. */
  private TrainerCheckpoint.Counters reported() {
    return carried.plus(counters(model.stats()).minus(modelAtStart));
  }

  private static TrainerCheckpoint.Counters counters(ModelStats s) {
    return new TrainerCheckpoint.Counters(s.eventsTrained(), s.batches(), s.skippedBatches());
  }

  private static EmbeddingUpdate update(
      EntityKind kind,
      String id,
      float[] vector,
      float bias,
      List<String> recentItems,
      long modelVersion,
      long sequence,
      long checkpointEpoch,
      Instant at) {
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
        .setSequence(sequence)
        .setCheckpointEpoch(checkpointEpoch)
        .setUpdatedAt(at)
        .build();
  }

  /**
   * The sliding-window metrics of every scorer, as published (null when prequential evaluation is
   * off).
   */
  private static Map<String, RankingWindow> windows(PrequentialEvaluator evaluator) {
    Map<String, RankingWindow> out = new LinkedHashMap<>();
    evaluator.metrics().forEach((name, m) -> out.put(name, window(m)));
    return Map.copyOf(out);
  }

  private static RankingWindow window(PrequentialMetrics m) {
    Map<String, Double> w = m.windowed();
    return RankingWindow.newBuilder()
        .setEvents(m.windowEvents())
        .setHitRate10(w.get("hr@10"))
        .setRecall20(w.get("recall@20"))
        .setNdcg20(w.get("ndcg@20"))
        .setMrr(w.get("mrr"))
        .build();
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

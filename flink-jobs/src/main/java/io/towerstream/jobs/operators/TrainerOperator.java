package io.towerstream.jobs.operators;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import io.towerstream.model.eval.PrequentialEvaluator;
import io.towerstream.model.eval.PrequentialMetrics;
import io.towerstream.schemas.AvroTrust;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.EmbeddingUpdate;
import io.towerstream.schemas.avro.Entity;
import io.towerstream.schemas.avro.RankingWindow;
import io.towerstream.schemas.avro.TrainerStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Owns the whole model and trains it on the click stream: a thin shell that batches events, calls
 * {@link OnlineModel}, publishes changed rows and keeps everything in checkpoints.
 *
 * <p><b>Where the model lives.</b> One subtask (parallelism 1) holds the entire model in operator state.
 * That is exact (every step sees every row, like the offline algorithm) and simple (no consistency protocol
 * for the dense tower weights), and caps training at one core, which at ~5 ms per 256-pair step is tens of
 * thousands of events per second. {@link OnlineModel} is the seam where a model sharded by key (keyed
 * state for the id rows, replicated tower weights) can replace it.
 *
 * <p><b>Batches.</b> Events are buffered in arrival order; a batch closes when it holds
 * {@code model.batch-size} events, or {@code batch.max-wait-ms} of processing time after its first event,
 * so freshness holds at low traffic. Given the same input order, count-closed batches are identical on
 * every run; the time bound trades that for latency (0 disables it). Costly work happens once per batch or
 * per publish, never per event.
 *
 * <p><b>Publishing.</b> Every {@code publish.interval-ms} the rows changed since the last publish go out as
 * {@link EmbeddingUpdate}s on the main output, followed by one {@link TrainerStatus} on {@link #STATUS}.
 * All records of one publish share a {@code sequence}: {@code max(last + 1, now in ms)}. The last sequence
 * is checkpointed, and the wall clock carries it past publishes made after that checkpoint and before a
 * failure, so sequences keep increasing across restarts (provided machines' clocks agree to within the
 * restart time).
 *
 * <p><b>State.</b> Two operator list states, each with one element, written synchronously in
 * {@link #snapshotState}: the model's own versioned snapshot, and this operator's fields (model version,
 * last sequence, the partial batch) as a {@link TrainerCheckpoint}. The partial batch is kept rather than
 * trained early, so checkpoints do not change which events share a batch.
 *
 * <p><b>Quality.</b> With {@code eval.prequential.sample-rate > 0} a {@link PrequentialEvaluator} scores each
 * batch's events (for a cohort of users) before the batch trains: the model as served and two popularity
 * baselines on the same events. Their sliding-window metrics go out in every status and as gauges. They
 * describe the stream since this operator started: they are not checkpointed, so a restore starts them anew.
 */
public final class TrainerOperator extends AbstractStreamOperator<EmbeddingUpdate>
    implements OneInputStreamOperator<ClickEvent, EmbeddingUpdate> {
  private static final long serialVersionUID = 1L;
  private static final long NO_DEADLINE = Long.MIN_VALUE;

  /** One status record per publish, after that publish's embedding updates. */
  public static final OutputTag<TrainerStatus> STATUS =
      new OutputTag<>("trainer-status", AvroTypeInfo.forClass(TrainerStatus.class));

  private final TrainerSettings settings;
  private final ModelFactory models;

  private transient OnlineModel model;
  private transient ListState<byte[]> modelState;
  private transient ListState<byte[]> fieldsState;
  private transient List<Interaction> pending;
  private transient long batchDeadline;
  private transient ScheduledFuture<?> batchTimer;
  private transient volatile long lastSequence;

  // read by the metric reporter's thread, hence volatile snapshots rather than calls into the model
  private transient volatile ModelStats stats;
  private transient volatile long lastStepMillis;
  private transient volatile int pendingEvents;
  private transient Counter eventsReceived;
  private transient Counter updatesPublished;
  private transient PrequentialEvaluator prequential;
  // copied after each batch for the metric reporter's thread
  private transient volatile Map<String, RankingWindow> prequentialWindows;

  public TrainerOperator(TrainerSettings settings, ModelFactory models) {
    this.settings = settings;
    this.models = models;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    AvroTrust.ensure();
    OperatorStateStore store = context.getOperatorStateStore();
    modelState = store.getListState(
        new ListStateDescriptor<>("model-snapshot", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    fieldsState = store.getListState(
        new ListStateDescriptor<>("trainer-fields", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    pending = new ArrayList<>(settings.model().batchSize());
    batchDeadline = NO_DEADLINE;
    lastSequence = 0;
    if (!context.isRestored() || !restore()) {
      model = models.create(settings.model());
    }
    stats = model.stats();
    pendingEvents = pending.size();
    if (settings.prequentialEnabled()) {
      prequential = new PrequentialEvaluator(settings.prequentialWindow(), settings.prequentialPopularityWindow(),
          settings.prequentialSampleRate());
      prequentialWindows = windows(prequential);
    }
  }

  /** Restores model and fields; false when the checkpoint holds no trainer state (then start fresh). */
  private boolean restore() throws Exception {
    List<byte[]> snapshots = new ArrayList<>();
    modelState.get().forEach(snapshots::add);
    List<byte[]> fields = new ArrayList<>();
    fieldsState.get().forEach(fields::add);
    if (snapshots.isEmpty() && fields.isEmpty()) {
      return false;
    }
    if (snapshots.size() != 1 || fields.size() != 1) {
      throw new IllegalStateException("expected one model snapshot and one trainer record in the checkpoint, found "
          + snapshots.size() + " and " + fields.size() + "; the trainer must run with parallelism 1");
    }
    TrainerCheckpoint checkpoint = TrainerCheckpoint.decode(fields.get(0));
    if (checkpoint.modelVersion() != settings.modelVersion()) {
      throw new IllegalStateException("the checkpoint holds model version " + checkpoint.modelVersion()
          + " but --model.version is " + settings.modelVersion() + ": resume with --model.version "
          + checkpoint.modelVersion() + ", or start the new version as a new job without restoring state");
    }
    model = models.restore(snapshots.get(0), settings.model());
    lastSequence = checkpoint.lastSequence();
    pending.addAll(checkpoint.pendingBatch());
    return true;
  }

  @Override
  public void open() throws Exception {
    super.open();
    registerMetrics(getMetricGroup());
    long now = now();
    if (!pending.isEmpty()) {
      scheduleBatchDeadline(now);
    }
    schedulePublish(now);
  }

  @Override
  public void processElement(StreamRecord<ClickEvent> record) {
    ClickEvent click = record.getValue();
    eventsReceived.inc();
    pending.add(new Interaction(click.getUserId(), click.getItemId(), click.getWeight(),
        click.getEventTime().toEpochMilli()));
    pendingEvents = pending.size();
    if (pending.size() >= settings.model().batchSize()) {
      trainPending();
    } else if (pending.size() == 1 && settings.batchMaxWaitMs() > 0) {
      scheduleBatchDeadline(now());
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    modelState.update(List.of(model.snapshot()));
    fieldsState.update(List.of(
        new TrainerCheckpoint(settings.modelVersion(), lastSequence, List.copyOf(pending)).encode()));
  }

  /** End of a bounded input (or stop with drain): train what is left and publish it. */
  @Override
  public void finish() throws Exception {
    if (model == null) { // initialisation failed; nothing to flush
      super.finish();
      return;
    }
    if (!pending.isEmpty()) {
      trainPending();
    }
    publish();
    super.finish();
  }

  // ------------------------------------------------------------------------------------------------------

  private void scheduleBatchDeadline(long now) {
    batchDeadline = now + settings.batchMaxWaitMs();
    batchTimer = getProcessingTimeService().registerTimer(batchDeadline, this::onBatchDeadline);
  }

  private void onBatchDeadline(long time) {
    // a timer of a batch that already closed by count fires with an earlier time than the current deadline
    if (!pending.isEmpty() && batchDeadline != NO_DEADLINE && time >= batchDeadline) {
      trainPending();
    }
  }

  private void trainPending() {
    List<Interaction> batch = pending;
    pending = new ArrayList<>(settings.model().batchSize());
    pendingEvents = 0;
    batchDeadline = NO_DEADLINE;
    if (batchTimer != null) {
      batchTimer.cancel(false);
      batchTimer = null;
    }
    if (prequential != null) {
      prequential.score(model, batch); // test, with the state from before this batch ...
    }
    long started = System.nanoTime();
    StepResult result = model.train(batch); // ... then train
    lastStepMillis = (System.nanoTime() - started) / 1_000_000;
    stats = model.stats();
    if (prequential != null) {
      prequential.observe(batch);
      prequentialWindows = windows(prequential);
    }
    if (result.skipped()) {
      LOG.warn("Skipped a batch of {} events: loss or gradients were not finite", batch.size());
    }
  }

  private void schedulePublish(long now) {
    getProcessingTimeService().registerTimer(now + settings.publishIntervalMs(), this::onPublishTime);
  }

  private void onPublishTime(long time) {
    publish();
    schedulePublish(now());
  }

  /** Emits every changed row and one status, all stamped with a fresh sequence. */
  private void publish() {
    long now = now();
    long sequence = Math.max(lastSequence + 1, now);
    lastSequence = sequence;
    Instant at = Instant.ofEpochMilli(now);
    long modelVersion = settings.modelVersion();
    model.drainChanged((kind, id, vector, bias) -> {
      output.collect(new StreamRecord<>(update(kind, id, vector, bias, modelVersion, sequence, at)));
      updatesPublished.inc();
    });
    ModelStats s = model.stats();
    stats = s;
    output.collect(STATUS, new StreamRecord<>(TrainerStatus.newBuilder()
        .setModelVersion(modelVersion)
        .setSequence(sequence)
        .setPublishedAt(at)
        .setEventsTrained(s.eventsTrained())
        .setBatches(s.batches())
        .setSkippedBatches(s.skippedBatches())
        .setLoss(s.lossEma())
        .setPrequential(prequentialWindows)
        .setUsers(s.users())
        .setItems(s.items())
        .setLastEventTime(Instant.ofEpochMilli(s.lastEventTimeMillis()))
        .build()));
  }

  private static EmbeddingUpdate update(EntityKind kind, String id, float[] vector, float bias,
      long modelVersion, long sequence, Instant at) {
    List<Float> values = new ArrayList<>(vector.length);
    for (float v : vector) {
      values.add(v);
    }
    return EmbeddingUpdate.newBuilder()
        .setEntity(kind == EntityKind.USER ? Entity.USER : Entity.ITEM)
        .setId(id)
        .setVector(values)
        .setBias(bias)
        .setModelVersion(modelVersion)
        .setSequence(sequence)
        .setUpdatedAt(at)
        .build();
  }

  /** The sliding-window metrics of every scorer, as published (null when prequential evaluation is off). */
  private static Map<String, RankingWindow> windows(PrequentialEvaluator evaluator) {
    Map<String, RankingWindow> out = new LinkedHashMap<>();
    evaluator.metrics().forEach((name, m) -> {
      Map<String, Double> w = m.windowed();
      out.put(name, RankingWindow.newBuilder().setEvents(Math.min(m.events(), m.window()))
          .setHitRate10(w.get("hr@10")).setRecall20(w.get("recall@20")).setNdcg20(w.get("ndcg@20"))
          .setMrr(w.get("mrr")).build());
    });
    return Map.copyOf(out);
  }

  private long now() {
    return getProcessingTimeService().getCurrentProcessingTime();
  }

  private void registerMetrics(MetricGroup group) {
    eventsReceived = group.counter("eventsReceived");
    updatesPublished = group.counter("updatesPublished");
    group.gauge("eventsTrained", (Gauge<Long>) () -> stats.eventsTrained());
    group.gauge("batches", (Gauge<Long>) () -> stats.batches());
    group.gauge("skippedBatches", (Gauge<Long>) () -> stats.skippedBatches());
    group.gauge("loss", (Gauge<Double>) () -> stats.lossEma());
    if (prequential != null) {
      for (String scorer : prequentialWindows.keySet()) {
        MetricGroup g = group.addGroup("prequential").addGroup(scorer);
        g.gauge("hitRate10", (Gauge<Double>) () -> prequentialWindows.get(scorer).getHitRate10());
        g.gauge("recall20", (Gauge<Double>) () -> prequentialWindows.get(scorer).getRecall20());
        g.gauge("ndcg20", (Gauge<Double>) () -> prequentialWindows.get(scorer).getNdcg20());
        g.gauge("mrr", (Gauge<Double>) () -> prequentialWindows.get(scorer).getMrr());
      }
    }
    group.gauge("users", (Gauge<Long>) () -> stats.users());
    group.gauge("items", (Gauge<Long>) () -> stats.items());
    group.gauge("lastEventTime", (Gauge<Long>) () -> stats.lastEventTimeMillis());
    group.gauge("admittedRows", (Gauge<Long>) () -> stats.admittedRows());
    group.gauge("evictedRows", (Gauge<Long>) () -> stats.evictedRows());
    group.gauge("expiredRows", (Gauge<Long>) () -> stats.expiredRows());
    group.gauge("pendingIds", (Gauge<Long>) () -> stats.pendingIds());
    group.gauge("heldBackEvents", (Gauge<Long>) () -> stats.heldBackEvents());
    group.gauge("priorWeight", (Gauge<Double>) () -> stats.priorWeight());
    group.gauge("lastStepMillis", (Gauge<Long>) () -> lastStepMillis);
    group.gauge("pendingEvents", (Gauge<Integer>) () -> pendingEvents);
    group.gauge("lastSequence", (Gauge<Long>) () -> lastSequence);
  }

  /** The live model, for tests; not thread-safe. */
  OnlineModel model() {
    return model;
  }
}

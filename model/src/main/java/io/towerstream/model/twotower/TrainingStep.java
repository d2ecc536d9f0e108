package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.StepResult;
import io.towerstream.model.history.AugmentSettings;
import io.towerstream.model.loss.ItemPairSettings;
import io.towerstream.model.optim.GradientClipper;
import io.towerstream.model.optim.RowGradientSum;
import io.towerstream.model.optim.RowOptimizer;
import io.towerstream.model.optim.RowwiseAdagrad;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.tables.BatchLookup;
import java.util.List;

/**
 * One training step in three phases. (0) Admission: events whose user or item has not been seen
 * often enough are held back ({@link AdmissionGate}). (1) Plan, reading only: resolve ids (staging
 * new rows), draw reservoir negatives, compute log Q ({@link StepLogQ}). (2) Compute ({@link
 * ForwardBackward}): gather all rows into one {@code B × d} and one {@code (B+M) × d} array, towers
 * forward, the configured loss (with the momentum queue's constant negatives), backward, in ND4J;
 * copy the gradients back to Java. (3) Commit, only if the loss and every gradient are finite:
 * insert new rows, clip, sparse table and Adam updates, learned scalars, frequency estimator,
 * reservoir (which sees the batch's items only now, so they are not their own reservoir negatives),
 * change tracking, expiry of idle rows, the queue. A skipped step rewinds the sampling generator,
 * leaving the model as it was (new rows' initial weights depend on their ids alone).
 */
final class TrainingStep {
  /** Relative change of a learned τ after which every item's served bias τ·b is republished. */
  static final double REPUBLISH_TOLERANCE = 0.01;

  private final ModelState s;
  private final ModelConfig c;
  private final int dim;
  private final BatchLookup users;
  private final BatchLookup items;

  /** The item rows pooled into the user tower: the rows' histories, over the item table. */
  private final BatchLookup pooled;

  /** The side-feature token rows pooled into the item tower, over the feature table. */
  private final BatchLookup features;

  private final RowOptimizer tableOptimizer;

  /**
   * The item biases keep row-wise Adagrad whatever the tables use: one scalar per item, one
   * accumulator.
   */
  private final RowwiseAdagrad biasOptimizer;

  private final GradientClipper clipper;
  private final HistoryPlanner histories;

  /** How augmented views of the histories are drawn; null when they are off. */
  private final HistoryPlanner.Views views;

  private final AdmissionGate admission;
  private final ForwardBackward forwardBackward;
  private final int[] negatives;
  private final double[] negativeProbabilities;

  /** Read once: every step asks whether the views train and over which window. */
  private final ItemPairSettings itemPairs;

  TrainingStep(ModelState state) {
    this.s = state;
    this.c = state.config;
    this.dim = c.dim();
    this.users = new BatchLookup(state.users);
    this.items = new BatchLookup(state.items);
    this.pooled = new BatchLookup(state.items);
    this.features = new BatchLookup(state.features);
    this.tableOptimizer = ModelState.rowOptimizer(c);
    this.biasOptimizer = new RowwiseAdagrad(c.learningRate());
    this.clipper = new GradientClipper(c.gradientClipNorm());
    this.histories =
        new HistoryPlanner(state.users, state.items, state.histories, c.historyLength());
    AugmentSettings augment = c.augment();
    this.views =
        augment.views() == 0
            ? null
            : new HistoryPlanner.Views(
                augment.views(), augment.maskProbability(), augment.cropFraction());
    this.admission = new AdmissionGate(state);
    this.forwardBackward = new ForwardBackward(state, users, items, pooled);
    this.negatives = new int[c.reservoirNegatives()];
    this.negativeProbabilities = new double[c.reservoirNegatives()];
    this.itemPairs = c.itemPairs();
  }

  StepResult run(List<Interaction> events) {
    if (events.isEmpty()) {
      return new StepResult(0, Double.NaN, false);
    }
    AdmissionGate.Decision admitted = admission.decide(events);
    List<Interaction> batch = admitted.events();
    if (batch.isEmpty()) {
      admission.commit(admitted, events.size());
      return new StepResult(0, Double.NaN, false);
    }
    StepResult r = step(batch, false);
    if (!r.skipped()) {
      admission.commit(admitted, events.size());
    }
    return r;
  }

  /**
   * Trains earlier positives again (experience replay): the same step, each row's history the
   * user's current one without the row's own item, and nothing counted: frequencies, reservoir,
   * prior, histories, admission and the event counters saw these events when they first trained.
   */
  StepResult replay(List<Interaction> events) {
    if (events.isEmpty()) {
      return new StepResult(0, Double.NaN, false);
    }
    return step(events, true);
  }

  private StepResult step(List<Interaction> batch, boolean replay) {
    SeededRandom.State samplingRandom = s.sampling.state();
    Plan plan = plan(batch, replay);
    ForwardBackward.Gradients g =
        forwardBackward.run(
            plan.events,
            plan.rows,
            plan.columns,
            plan.poolOffsets,
            plan.weights,
            plan.logQ,
            plan.itemKeys,
            plan.userKeys,
            plan.itemFeatures,
            plan.pairs);
    GradientClipper.Decision decision =
        clipper.decide(
            g.loss(),
            g.pooledSquaredNorm() + g.featureSquaredNorm(),
            g.users(),
            g.items(),
            g.itemBias(),
            g.userHead(),
            g.itemHead(),
            g.scalars(),
            g.lossHead());
    if (decision.skip()) {
      s.sampling.restore(samplingRandom);
      s.counters.recordSkipped();
      return new StepResult(plan.events, Double.NaN, true);
    }
    commit(plan, g, decision.scale(), replay);
    return new StepResult(plan.events, g.loss(), false);
  }

  /**
   * Phase 1: reads the model and advances only the random generators. The rows are the events, then
   * each augmented view of them (same user and item, another view of the history).
   */
  private Plan plan(List<Interaction> batch, boolean replay) {
    int events = batch.size();
    int rows = events * (1 + (views == null ? 0 : views.count()));
    long step = s.counters.batches() + 1;
    users.clear();
    items.clear();
    float[] weights = new float[rows];
    long maxEventTime = Long.MIN_VALUE;
    for (int r = 0; r < rows; r++) {
      Interaction x = batch.get(r % events);
      users.add(x.userId(), s.userInit);
      items.add(x.itemId(), s.itemInit);
      weights[r] = x.weight();
      maxEventTime = Math.max(maxEventTime, x.eventTimeMillis());
    }
    int[] poolOffsets = histories.plan(batch, pooled, views, s.sampling, replay);
    int positiveItems = items.distinctCount();
    int draws = s.reservoir.size() > 0 ? negatives.length : 0;
    if (draws > 0) {
      s.reservoir.draw(s.sampling, draws, negatives, negativeProbabilities);
      for (int d = 0; d < draws; d++) {
        items.addExisting(negatives[d]);
      }
    }
    // Replayed rows' histories hold clicks made after them: no "earlier click" to pair with.
    ItemPairs pairs =
        itemPairs.enabled() && !replay
            ? ItemPairs.plan(events, items, pooled, poolOffsets, itemPairs.window())
            : ItemPairs.NONE;
    // Prior for first-seen items, assuming a uniform catalogue: a batch holds B of the table's
    // items, so an average item occurs once every items/B steps.
    double priorGap = Math.max(1.0, s.items.liveRows() / (double) events);
    ItemFeatureInputs itemFeatures =
        ItemFeatureInputs.plan(
            features, s.itemFeatures, items, s.featureInit, c.itemFeatureIdDropout(), s.sampling);
    StepLogQ.Result logQ =
        c.logQCorrection()
            ? new StepLogQ(s, items, positiveItems, draws, step, priorGap)
                .compute(s.queue == null ? new int[0] : s.queue.keys())
            : new StepLogQ.Result(null, null);
    return new Plan(
        step,
        events,
        rows,
        rows + draws,
        positiveItems,
        weights,
        logQ,
        priorGap,
        maxEventTime,
        poolOffsets,
        candidateKeys(items),
        candidateKeys(users),
        itemFeatures,
        pairs);
  }

  /**
   * A key per position that is stable across steps, so the loss's masks agree with the queue's
   * keys: the row's slot, or for an id new in this batch {@code −(k+1)}, distinct from every slot
   * and every other new id.
   */
  private static int[] candidateKeys(BatchLookup lookup) {
    int[] keys = new int[lookup.positions()];
    for (int p = 0; p < keys.length; p++) {
      int k = lookup.distinctOf(p);
      int slot = lookup.slotBefore(k);
      keys[p] = slot >= 0 ? slot : -(k + 1);
    }
    return keys;
  }

  /** Phase 3: applies an accepted step. */
  private void commit(Plan plan, ForwardBackward.Gradients g, float scale, boolean replay) {
    long firstEvent = s.streamPosition();
    long now = firstEvent + (replay ? 0 : plan.events);
    s.users.setClock(now);
    s.items.setClock(now);
    pooled.commit(); // touches the pooled rows first, so this step's inserts do not evict them
    int[] userSlots = users.commit();
    int[] itemSlots = items.commit();
    markActive(userSlots, itemSlots, plan.positiveItems);
    int[] pooledSlots = new int[pooled.distinctCount()];
    for (int k = 0; k < pooledSlots.length; k++) {
      pooledSlots[k] =
          s.items.slotOf(pooled.distinctId(k)); // by id: robust to evictions by the inserts
    }
    int[] featureSlots = plan.itemFeatures.active() ? features.commit() : new int[0];
    if (s.replica
        != null) { // before anything moves: the other replicas get the change, not the value
      s.replica.capture(pooledSlots);
      s.replica.capture(itemSlots);
      s.replica.captureDense();
      s.replica.captureFeatures(featureSlots);
    }
    if (featureSlots.length > 0) {
      tableOptimizer.apply(s.features, featureSlots, g.features(), scale);
      for (int slot : featureSlots) {
        if (slot >= 0) {
          s.changedTokens.add(s.features.idAt(slot));
        }
      }
    }
    tableOptimizer.apply(
        s.items, pooledSlots, g.pooled(), scale); // summed per distinct row already
    tableOptimizer.apply(
        s.users,
        userSlots,
        RowGradientSum.byDistinct(
            g.users(), users.distinctIndices(), plan.rows, users.distinctCount(), dim),
        scale);
    int[] itemDistinct = items.distinctIndices();
    tableOptimizer.apply(
        s.items,
        plan.itemFeatures.idRowSlots(itemSlots, items),
        RowGradientSum.byDistinct(
            g.items(), itemDistinct, items.positions(), items.distinctCount(), dim),
        scale);
    if (g.itemBias() != null) {
      s.biases.apply(
          biasOptimizer,
          itemSlots,
          RowGradientSum.byDistinct(
              g.itemBias(), itemDistinct, plan.columns, items.distinctCount(), 1),
          scale);
    }
    s.userTower.updateHead(g.userHead(), scale, c.towerLearningRate());
    s.itemTower.updateHead(g.itemHead(), scale, c.towerLearningRate());
    s.scalars.update(g.dLogScale(), g.dBias(), scale);
    if (g.recency() != null) {
      s.recencyLearner.update(g.recency(), scale);
    }
    if (g.lossHead() != null) {
      s.lossHead.update(g.lossHead(), g.lossHeadStatistics(), scale, c.towerLearningRate());
    }
    for (int k = 0; k < plan.positiveItems && !replay; k++) {
      if (itemSlots[k] >= 0) {
        s.frequencies.observe(itemSlots[k], plan.step, plan.priorGap);
        s.clickedItems.mark(itemSlots[k]);
      }
    }
    for (int p = 0; p < plan.events && !replay; p++) { // each event once, not once per view
      int slot = itemSlots[items.distinctOf(p)];
      if (slot >= 0) {
        s.reservoir.observe(slot);
        s.prior.observe(slot, firstEvent + p);
        if (s.replica != null) {
          s.replica.observePrior(slot, firstEvent + p);
        }
        String itemId = s.items.idAt(slot);
        int userSlot = userSlots[users.distinctOf(p)];
        if (userSlot >= 0) {
          s.histories.add(userSlot, itemId);
        }
        if (plan.itemFeatures.active()) {
          s.itemFeatures.clicked(itemId); // no longer cold
        }
      }
    }
    markChanged(userSlots, itemSlots);
    markChanged(new int[0], pooledSlots);
    long originBefore = s.prior.origin();
    if (s.prior.rebaseIfNeeded(firstEvent + plan.events)) {
      if (s.replica != null) {
        s.replica.rebasePrior(originBefore);
      }
      s.itemChanges.markAll(); // every item's bias moved
    }
    if (c.learnedTemperature()
        && c.itemBias()
        && s.scalars.temperatureMovedBeyond(REPUBLISH_TOLERANCE)) {
      s.itemChanges.markAll(); // the published bias is τ·b
    }
    if (c.rowTtlEvents() > 0) {
      s.users.expireIdle(c.rowTtlEvents());
      s.items.expireIdle(c.rowTtlEvents());
    }
    if (s.queue != null) {
      s.queue.flushEvictions(); // before enqueueing: an evicted slot may hold a new positive now
      enqueuePositives(itemSlots, plan.positiveItems);
    }
    if (replay) {
      s.counters.recordReplayed(plan.events);
    } else {
      s.counters.recordTrained(plan.events, g.loss(), plan.maxEventTime);
    }
  }

  /**
   * The batch's users and positive items occurred in events: they are not idle (sampled negatives
   * are).
   */
  private void markActive(int[] userSlots, int[] itemSlots, int positiveItems) {
    for (int slot : userSlots) {
      if (slot >= 0) {
        s.users.markActive(slot);
      }
    }
    for (int k = 0; k < positiveItems; k++) {
      if (itemSlots[k] >= 0) {
        s.items.markActive(itemSlots[k]);
      }
    }
  }

  /** The batch's positive items' new outputs feed the momentum encoder and the queue. */
  private void enqueuePositives(int[] itemSlots, int positiveItems) {
    int[] slots = new int[positiveItems];
    int n = 0;
    for (int k = 0; k < positiveItems; k++) {
      if (itemSlots[k] >= 0) {
        slots[n++] = itemSlots[k];
      }
    }
    int[] live = java.util.Arrays.copyOf(slots, n);
    s.queue.enqueue(
        live, TowerOutputs.of(s, io.towerstream.model.EntityKind.ITEM, live, 0, n), dim);
  }

  private void markChanged(int[] userSlots, int[] itemSlots) {
    if (s.userRows != null) {
      for (int slot : userSlots) {
        if (slot >= 0) {
          s.userRows.changed(slot); // weights, optimizer state and history moved
        }
      }
    }
    if (s.userTower.hasHead() || s.itemTower.hasHead()) {
      // The projections or MLPs moved, so every row's output moved.
      s.userChanges.markAll();
      s.itemChanges.markAll();
      return;
    }
    for (int slot : userSlots) {
      if (slot >= 0) {
        s.userChanges.mark(slot);
      }
    }
    for (int slot : itemSlots) {
      if (slot >= 0) {
        s.itemChanges.mark(slot);
      }
    }
  }

  /**
   * What phase 1 decided: the {@code rows} are the {@code events}, then their augmented views;
   * candidate columns are the {@code rows} positives then the reservoir draws, and after them the
   * item–item views' anchors (candidate positions the main loss does not score).
   */
  private record Plan(
      long step,
      int events,
      int rows,
      int columns,
      int positiveItems,
      float[] weights,
      StepLogQ.Result logQ,
      double priorGap,
      long maxEventTime,
      int[] poolOffsets,
      int[] itemKeys,
      int[] userKeys,
      ItemFeatureInputs itemFeatures,
      ItemPairs pairs) {}
}

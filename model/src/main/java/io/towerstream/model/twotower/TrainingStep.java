package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.StepResult;
import io.towerstream.model.history.HistoryPooling;
import io.towerstream.model.loss.InfoNceLoss;
import io.towerstream.model.loss.LossGradients;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.optim.GradientClipper;
import io.towerstream.model.optim.RowGradientSum;
import io.towerstream.model.optim.RowwiseAdagrad;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.sampling.CandidateLogQ;
import io.towerstream.model.sampling.FrequencyEstimator;
import io.towerstream.model.tables.BatchLookup;
import io.towerstream.model.tower.TowerActivations;
import io.towerstream.model.tower.TowerGradients;
import io.towerstream.model.tower.TowerMath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One training step in three phases. (1) Plan, reading only: resolve ids (staging new rows), draw reservoir
 * negatives, compute log Q. (2) Compute: gather all rows into one {@code B × d} and one {@code (B+M) × d}
 * array, towers forward, InfoNCE, backward, in ND4J; copy the gradients back to Java. (3) Commit, only if
 * the loss and every gradient are finite: insert new rows, clip, sparse Adagrad and Adam updates, frequency
 * estimator, reservoir (which sees the batch's items only now, so they are not their own reservoir
 * negatives), change tracking. A skipped step rewinds the random generators, leaving the model as it was.
 */
final class TrainingStep {
  /** ND4J allocations are reused across steps from one workspace: a fresh off-heap array costs 20-200 µs. */
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.FIRST_LOOP)
      .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
  private static final String WORKSPACE_ID = "towerstream-train-step";

  private final ModelState s;
  private final ModelConfig c;
  private final int dim;
  private final BatchLookup users;
  private final BatchLookup items;
  /** The item rows pooled into the user tower: the rows' histories, over the item table. */
  private final BatchLookup pooled;
  private final RowwiseAdagrad adagrad;
  private final GradientClipper clipper;
  private final int[] negatives;
  private final double[] negativeProbabilities;

  TrainingStep(ModelState state) {
    this.s = state;
    this.c = state.config;
    this.dim = c.dim();
    this.users = new BatchLookup(state.users);
    this.items = new BatchLookup(state.items);
    this.pooled = new BatchLookup(state.items);
    this.adagrad = new RowwiseAdagrad(c.learningRate());
    this.clipper = new GradientClipper(c.gradientClipNorm());
    this.negatives = new int[c.reservoirNegatives()];
    this.negativeProbabilities = new double[c.reservoirNegatives()];
  }

  StepResult run(List<Interaction> batch) {
    if (batch.isEmpty()) {
      return new StepResult(0, Double.NaN, false);
    }
    SeededRandom.State userRandom = s.userInit.random().state();
    SeededRandom.State itemRandom = s.itemInit.random().state();
    SeededRandom.State samplingRandom = s.sampling.state();
    Plan plan = plan(batch);
    Gradients g = compute(plan.rows, plan.columns, plan.poolOffsets, plan.weights, plan.logQ);
    GradientClipper.Decision decision = clipper.decide(g.loss, g.users, g.items, g.pooled, g.itemBias, g.userProjection,
        g.itemProjection);
    if (decision.skip()) {
      s.userInit.random().restore(userRandom);
      s.itemInit.random().restore(itemRandom);
      s.sampling.restore(samplingRandom);
      s.counters.recordSkipped();
      return new StepResult(plan.rows, Double.NaN, true);
    }
    commit(plan, g, decision.scale());
    return new StepResult(plan.rows, g.loss, false);
  }

  /** Phase 1: reads the model and advances only the random generators. */
  private Plan plan(List<Interaction> batch) {
    int rows = batch.size();
    long step = s.counters.batches() + 1;
    users.clear();
    items.clear();
    float[] weights = new float[rows];
    long maxEventTime = Long.MIN_VALUE;
    for (int i = 0; i < rows; i++) {
      Interaction x = batch.get(i);
      users.add(x.userId(), s.userInit);
      items.add(x.itemId(), s.itemInit);
      weights[i] = x.weight();
      maxEventTime = Math.max(maxEventTime, x.eventTimeMillis());
    }
    int[] poolOffsets = planHistories(batch);
    int positiveItems = items.distinctCount();
    int draws = s.reservoir.size() > 0 ? negatives.length : 0;
    if (draws > 0) {
      s.reservoir.draw(s.sampling, draws, negatives, negativeProbabilities);
      for (int d = 0; d < draws; d++) {
        items.addExisting(negatives[d]);
      }
    }
    // Prior for first-seen items, assuming a uniform catalogue: a batch holds B of the table's items, so an
    // average item occurs once every items/B steps.
    double priorGap = Math.max(1.0, s.items.size() / (double) rows);
    float[] logQ = c.logQCorrection() ? logQ(positiveItems, draws, step, priorGap) : null;
    return new Plan(step, rows, rows + draws, positiveItems, weights, logQ, priorGap, maxEventTime, poolOffsets);
  }

  /**
   * Resolves each row's history: the user's stored recent items, then the user's earlier rows of this batch
   * (never the row's own item, which would leak the answer), the newest {@code historyLength} of them.
   * Items without a row (evicted, or new in this very batch) are left out.
   *
   * @return offsets of each row's pooled positions, length {@code rows + 1}
   */
  private int[] planHistories(List<Interaction> batch) {
    pooled.clear();
    int rows = batch.size();
    int[] offsets = new int[rows + 1];
    int length = c.historyLength();
    if (length == 0) {
      return offsets;
    }
    Map<String, List<String>> earlierInBatch = new HashMap<>();
    List<String> history = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      Interaction x = batch.get(i);
      history.clear();
      int userSlot = s.users.slotOf(x.userId());
      if (userSlot >= 0) {
        s.histories.copyTo(userSlot, history);
      }
      List<String> earlier = earlierInBatch.computeIfAbsent(x.userId(), u -> new ArrayList<>());
      history.addAll(earlier);
      for (int k = Math.max(0, history.size() - length); k < history.size(); k++) {
        int slot = s.items.slotOf(history.get(k));
        if (slot >= 0) {
          pooled.addExisting(slot);
        }
      }
      offsets[i + 1] = pooled.positions();
      earlier.add(x.itemId());
    }
    return offsets;
  }

  /** Phase 3: applies an accepted step. */
  private void commit(Plan plan, Gradients g, float scale) {
    pooled.commit(); // touches the pooled rows first, so this step's inserts do not evict them
    int[] userSlots = users.commit();
    int[] itemSlots = items.commit();
    int[] pooledSlots = new int[pooled.distinctCount()];
    for (int k = 0; k < pooledSlots.length; k++) {
      pooledSlots[k] = s.items.slotOf(pooled.distinctId(k)); // by id: robust to evictions by the inserts
    }
    adagrad.apply(s.items, pooledSlots, RowGradientSum.byDistinct(g.pooled, pooled.distinctIndices(),
        pooled.positions(), pooled.distinctCount(), dim), scale);
    adagrad.apply(s.users, userSlots, RowGradientSum.byDistinct(g.users, users.distinctIndices(), plan.rows,
        users.distinctCount(), dim), scale);
    adagrad.apply(s.items, itemSlots, RowGradientSum.byDistinct(g.items, items.distinctIndices(), plan.columns,
        items.distinctCount(), dim), scale);
    if (g.itemBias != null) {
      s.biases.apply(adagrad, itemSlots, RowGradientSum.byDistinct(g.itemBias, items.distinctIndices(),
          plan.columns, items.distinctCount(), 1), scale);
    }
    s.userTower.updateProjection(g.userProjection, scale, c.towerLearningRate());
    s.itemTower.updateProjection(g.itemProjection, scale, c.towerLearningRate());
    for (int k = 0; k < plan.positiveItems; k++) {
      if (itemSlots[k] >= 0) {
        s.frequencies.observe(itemSlots[k], plan.step, plan.priorGap);
      }
    }
    long firstEvent = s.counters.eventsTrained();
    for (int p = 0; p < plan.rows; p++) {
      int slot = itemSlots[items.distinctOf(p)];
      if (slot >= 0) {
        s.reservoir.observe(slot);
        s.prior.observe(slot, firstEvent + p);
        int userSlot = userSlots[users.distinctOf(p)];
        if (userSlot >= 0) {
          s.histories.add(userSlot, s.items.idAt(slot));
        }
      }
    }
    markChanged(userSlots, itemSlots);
    markChanged(new int[0], pooledSlots);
    if (s.prior.rebaseIfNeeded(firstEvent + plan.rows)) {
      s.itemChanges.markAll(); // every item's bias moved
    }
    s.counters.recordTrained(plan.rows, g.loss, plan.maxEventTime);
  }

  /** log Q per candidate column: log(q_batch + M·p_res), see {@link CandidateLogQ}. */
  private float[] logQ(int positiveItems, int draws, long step, double priorGap) {
    double[] perItem = new double[items.distinctCount()];
    for (int k = 0; k < perItem.length; k++) {
      int slot = items.slotBefore(k);
      // Yi et al. update the estimate with the batch's own occurrence before using it; computed here
      // without mutating, committed after the step.
      double gap = k < positiveItems
          ? s.frequencies.gapAfterObserving(slot, step, priorGap)
          : s.frequencies.gap(slot, priorGap);
      double reservoirProbability = slot >= 0 ? s.reservoir.probability(slot) : 0.0;
      perItem[k] = CandidateLogQ.of(FrequencyEstimator.batchProbability(gap), reservoirProbability, draws);
    }
    float[] logQ = new float[items.positions()];
    for (int j = 0; j < logQ.length; j++) {
      logQ[j] = (float) perItem[items.distinctOf(j)];
    }
    return logQ;
  }

  private Gradients compute(int rows, int columns, int[] poolOffsets, float[] weights, float[] logQ) {
    float[] idRows = new float[rows * dim];
    float[] itemRows = new float[columns * dim];
    float[] pooledRows = new float[pooled.positions() * dim];
    users.gatherPositions(idRows);
    items.gatherPositions(itemRows);
    pooled.gatherPositions(pooledRows);
    float[] userRows = HistoryPooling.forward(idRows, pooledRows, poolOffsets, dim);
    int[] keys = items.distinctIndices();
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      INDArray userProjection = s.userTower.projectionMatrix();
      INDArray itemProjection = s.itemTower.projectionMatrix();
      TowerActivations u = TowerMath.forward(NdArrays.floatMatrix(userRows, rows, dim), userProjection);
      TowerActivations v = TowerMath.forward(NdArrays.floatMatrix(itemRows, columns, dim), itemProjection);
      INDArray userOut = u.outputs();
      INDArray itemOut = v.outputs();
      if (c.itemBias()) {
        // [u, τ]·[v, b]/τ = u·v/τ + b: the bias rides in one extra column, and its gradient comes back as the
        // candidates' last gradient column, from whichever loss is used.
        userOut = Nd4j.hstack(userOut, Nd4j.valueArrayOf(new long[] {rows, 1}, c.temperature(), DataType.FLOAT));
        itemOut = Nd4j.hstack(itemOut, NdArrays.floatMatrix(gatherBiases(columns), columns, 1));
      }
      LossGradients loss = InfoNceLoss.compute(userOut, itemOut,
          logQ == null ? null : NdArrays.floatMatrix(logQ, 1, columns), NdArrays.floatMatrix(weights, 1, rows),
          keys, c.temperature());
      INDArray dUserOut = loss.dUsers();
      INDArray dItemOut = loss.dCandidates();
      float[] dBias = null;
      if (c.itemBias()) {
        dBias = NdArrays.toFloats(dItemOut.get(NDArrayIndex.all(), NDArrayIndex.point(dim)).dup());
        dUserOut = dUserOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
        dItemOut = dItemOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
      }
      TowerGradients du = TowerMath.backward(u, userProjection, dUserOut);
      TowerGradients dv = TowerMath.backward(v, itemProjection, dItemOut);
      float[] dUserInputs = NdArrays.toFloats(du.embeddings());
      return new Gradients(loss.loss(), dUserInputs, NdArrays.toFloats(dv.embeddings()),
          HistoryPooling.backwardPooled(dUserInputs, poolOffsets, dim), dBias, du.projection() == null ? null : NdArrays.toFloats(du.projection()),
          dv.projection() == null ? null : NdArrays.toFloats(dv.projection()));
    }
  }

  /** The learned bias of each candidate position (0 for items new in this batch). */
  private float[] gatherBiases(int columns) {
    float[] b = new float[columns];
    for (int j = 0; j < columns; j++) {
      int slot = items.slotBefore(items.distinctOf(j));
      b[j] = slot >= 0 ? s.biases.bias(slot) : 0f;
    }
    return b;
  }

  private void markChanged(int[] userSlots, int[] itemSlots) {
    if (c.towerProjection()) {
      // The projections moved, so every row's output moved.
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

  /** What phase 1 decided: candidate columns are the {@code rows} positives then the reservoir draws. */
  private record Plan(long step, int rows, int columns, int positiveItems, float[] weights, float[] logQ,
      double priorGap, long maxEventTime, int[] poolOffsets) {}

  /**
   * Gradients copied out of ND4J: per position for the embeddings (the user ones are also those of the id
   * rows, as pooling adds them unchanged), row-major d×d for projections.
   */
  private record Gradients(double loss, float[] users, float[] items, float[] pooled, float[] itemBias,
      float[] userProjection,
      float[] itemProjection) {}
}

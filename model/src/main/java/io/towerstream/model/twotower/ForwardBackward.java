package io.towerstream.model.twotower;

import io.towerstream.model.LossSettings;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.history.HistoryPooling;
import io.towerstream.model.loss.ItemPairSettings;
import io.towerstream.model.loss.LossGradients;
import io.towerstream.model.loss.QueuedNegatives;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.tables.BatchLookup;
import io.towerstream.model.tower.ResidualMlp;
import io.towerstream.model.tower.RowNormalisation;
import io.towerstream.model.tower.TowerActivations;
import io.towerstream.model.tower.TowerGradients;
import io.towerstream.model.tower.TowerMath;
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
 * Phase 2 of a {@link TrainingStep}: the ND4J part. Gathers all rows into one {@code B × d} and one
 * {@code C × d} array, towers forward, the configured loss (with the momentum queue as constant
 * negatives), backward, and copies the gradients back to Java arrays.
 */
final class ForwardBackward {
  /**
   * ND4J allocations are reused across steps from one workspace: a fresh off-heap array costs
   * 20-200 µs.
   */
  private static final WorkspaceConfiguration WORKSPACE =
      WorkspaceConfiguration.builder()
          .policyAllocation(AllocationPolicy.STRICT)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policyReset(ResetPolicy.BLOCK_LEFT)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private static final String WORKSPACE_ID = "towerstream-train-step";

  private final ModelState s;
  private final ModelConfig c;
  private final int dim;
  private final BatchLookup users;
  private final BatchLookup items;
  private final BatchLookup pooled;

  /**
   * Read once: a step reads the views' temperature and weight and the loss's settings, and the
   * records check themselves.
   */
  private final ItemPairSettings itemPairs;

  private final LossSettings lossSettings;

  ForwardBackward(ModelState s, BatchLookup users, BatchLookup items, BatchLookup pooled) {
    this.s = s;
    this.c = s.config;
    this.dim = c.dim();
    this.users = users;
    this.items = items;
    this.pooled = pooled;
    this.itemPairs = c.itemPairs();
    this.lossSettings = c.lossSettings();
  }

  /**
   * Gathers the step's rows, runs both towers and the loss, and copies the gradients back to Java.
   * Reads the model only.
   *
   * @param events the rows that are events (the rest their augmented views)
   * @param columns the main loss's candidate positions: the rows' positives, then the reservoir
   *     draws; the item–item views' anchors follow them
   * @param itemKeys per candidate position, the anchors' included
   */
  Gradients run(
      int events,
      int rows,
      int columns,
      int[] poolOffsets,
      float[] weights,
      StepLogQ.Result logQ,
      int[] itemKeys,
      int[] userKeys,
      ItemFeatureInputs itemFeatures,
      ItemPairs pairs) {
    Pairs p = new Pairs(pairs, events, rows, columns, weights, itemKeys);
    float[] idRows = new float[rows * dim];
    float[] itemIdRows = new float[items.positions() * dim];
    float[] pooledRows = new float[pooled.positions() * dim];
    users.gatherPositions(idRows);
    items.gatherPositions(itemIdRows);
    pooled.gatherPositions(pooledRows);
    float[] userRows = HistoryPooling.forward(idRows, pooledRows, poolOffsets, dim, s.recency());
    float[] itemRows = itemFeatures.inputs(itemIdRows);
    if (!s.userTower.hasHead() && !s.itemTower.hasHead()) {
      return runHeadless(
          rows,
          columns,
          userRows,
          pooledRows,
          itemRows,
          poolOffsets,
          weights,
          logQ,
          p.mainKeys(),
          userKeys,
          itemFeatures,
          p);
    }
    double temperature = s.scalars.temperature();
    try (MemoryWorkspace ignored =
        Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      INDArray userProjection = s.userTower.projectionMatrix();
      INDArray itemProjection = s.itemTower.projectionMatrix();
      ResidualMlp.Params userMlp = s.userTower.mlpParams();
      ResidualMlp.Params itemMlp = s.itemTower.mlpParams();
      TowerActivations u =
          TowerMath.forward(NdArrays.floatMatrix(userRows, rows, dim), userProjection, userMlp);
      TowerActivations v =
          TowerMath.forward(
              NdArrays.floatMatrix(itemRows, p.positions(), dim), itemProjection, itemMlp);
      INDArray userOut = u.outputs();
      INDArray itemOut =
          p.none()
              ? v.outputs()
              : v.outputs().get(NDArrayIndex.interval(0, columns), NDArrayIndex.all());
      QueuedNegatives queue = s.queue == null ? null : s.queue.negatives(logQ.queue());
      if (c.itemBias()) {
        // [u, τ]·[v, b]/τ = u·v/τ + b: the bias rides in one extra column, and its gradient comes
        // back as the candidates' last gradient column, from whichever loss is used.
        userOut =
            Nd4j.hstack(
                userOut,
                Nd4j.valueArrayOf(new long[] {rows, 1}, (float) temperature, DataType.FLOAT));
        itemOut = Nd4j.hstack(itemOut, NdArrays.floatMatrix(gatherBiases(columns), columns, 1));
        if (queue != null) {
          queue =
              new QueuedNegatives(
                  Nd4j.hstack(
                      queue.vectors(),
                      NdArrays.floatMatrix(biasesOf(queue.keys()), queue.size(), 1)),
                  queue.logQ(),
                  queue.keys());
        }
      }
      LossGradients loss =
          LossSelection.of(lossSettings, s.scalars, s.lossHead)
              .compute(
                  userOut,
                  itemOut,
                  logQ.candidates() == null
                      ? null
                      : NdArrays.floatMatrix(logQ.candidates(), 1, columns),
                  NdArrays.floatMatrix(weights, 1, rows),
                  p.mainKeys(),
                  userKeys,
                  temperature,
                  queue);
      INDArray dUserOut = loss.dUsers();
      INDArray dItemOut = loss.dCandidates();
      float[] dBias = null;
      double dLogScale = loss.dLogScale();
      if (c.itemBias()) {
        dBias = NdArrays.toFloats(dItemOut.get(NDArrayIndex.all(), NDArrayIndex.point(dim)));
        // The bias column's logits, τ·b/τ = b, do not depend on the scale, but the loss counts them
        // as if they did: take their share, τ·Σ_i ∂loss/∂u_i[d], back out.
        if (c.learnedTemperature()) { // one more ND4J call, so only when it is used
          dLogScale -=
              temperature
                  * dUserOut
                      .get(NDArrayIndex.all(), NDArrayIndex.point(dim))
                      .sumNumber()
                      .doubleValue();
        }
        dUserOut = dUserOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
        dItemOut = dItemOut.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim));
      }
      double pairLoss = 0;
      if (!p.none()) {
        float[] d = java.util.Arrays.copyOf(NdArrays.toFloats(dItemOut), p.positions() * dim);
        pairLoss = p.addGradient(NdArrays.toFloats(v.outputs()), d, dim);
        dItemOut = NdArrays.floatMatrix(d, p.positions(), dim);
      }
      TowerGradients du = TowerMath.backward(u, userProjection, userMlp, dUserOut);
      TowerGradients dv = TowerMath.backward(v, itemProjection, itemMlp, dItemOut);
      float[] dUserInputs = NdArrays.toFloats(du.embeddings());
      float[] dItemInputs = NdArrays.toFloats(dv.embeddings());
      double learnedBias = c.loss() == ModelConfig.Loss.SIGLIP ? loss.dBias() : 0.0;
      double learnedScale = c.learnedTemperature() ? dLogScale : 0.0;
      return new Gradients(
          loss.loss() + pairLoss,
          HistoryPooling.idGradient(dUserInputs, s.recency()),
          itemFeatures.idRowGradient(dItemInputs),
          HistoryPooling.backwardPooledByDistinct(
              dUserInputs,
              poolOffsets,
              pooled.distinctIndices(),
              pooled.distinctCount(),
              dim,
              s.recency()),
          HistoryPooling.pooledSquaredNorm(dUserInputs, poolOffsets, dim, s.recency()),
          dBias,
          s.userTower.headGradient(du),
          s.itemTower.headGradient(dv),
          learnedScale,
          learnedBias,
          c.learnedTemperature() || c.loss() == ModelConfig.Loss.SIGLIP
              ? new float[] {(float) learnedScale, (float) learnedBias}
              : null,
          headGradient(loss),
          headStatistics(loss),
          itemFeatures.tokenGradient(dItemInputs),
          itemFeatures.tokenSquaredNorm(dItemInputs),
          recencyGradient(dUserInputs, pooledRows, poolOffsets));
    }
  }

  /**
   * {@link #run} for towers without a head (the default): normalisation, its backward and the bias
   * column are plain loops ({@link RowNormalisation}), so ND4J sees only the two input matrices and
   * the loss (gemms and the softmax). The same function as the ND4J path, to float rounding.
   */
  private Gradients runHeadless(
      int rows,
      int columns,
      float[] userRows,
      float[] pooledRows,
      float[] itemRows,
      int[] poolOffsets,
      float[] weights,
      StepLogQ.Result logQ,
      int[] itemKeys,
      int[] userKeys,
      ItemFeatureInputs itemFeatures,
      Pairs pairs) {
    double temperature = s.scalars.temperature();
    boolean bias = c.itemBias();
    int width = bias ? dim + 1 : dim;
    int positions = pairs.positions();
    float[] userNorms = new float[rows];
    float[] itemNorms = new float[positions];
    float[] u = new float[rows * width];
    float[] v = new float[positions * width];
    RowNormalisation.forward(userRows, rows, dim, u, width, userNorms);
    RowNormalisation.forward(itemRows, positions, dim, v, width, itemNorms);
    if (bias) {
      // [u, τ]·[v, b]/τ = u·v/τ + b: the bias rides in one extra column, its gradient in the
      // candidates' last one
      for (int i = 0; i < rows; i++) {
        u[i * width + dim] = (float) temperature;
      }
      for (int j = 0; j < columns; j++) {
        int slot = items.slotBefore(items.distinctOf(j));
        v[j * width + dim] = slot >= 0 ? s.biases.bias(slot) : 0f;
      }
    }
    float[] dU;
    float[] dV;
    float[] lossHead;
    float[] lossHeadStatistics;
    LossGradients loss;
    double pairLoss = 0;
    try (MemoryWorkspace ignored =
        Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      QueuedNegatives queue = s.queue == null ? null : s.queue.negatives(logQ.queue());
      if (queue != null && bias) {
        queue =
            new QueuedNegatives(
                Nd4j.hstack(
                    queue.vectors(), NdArrays.floatMatrix(biasesOf(queue.keys()), queue.size(), 1)),
                queue.logQ(),
                queue.keys());
      }
      loss =
          LossSelection.of(lossSettings, s.scalars, s.lossHead)
              .compute(
                  NdArrays.floatMatrix(u, rows, width),
                  NdArrays.floatMatrix(v, columns, width),
                  logQ.candidates() == null
                      ? null
                      : NdArrays.floatMatrix(logQ.candidates(), 1, columns),
                  NdArrays.floatMatrix(weights, 1, rows),
                  itemKeys,
                  userKeys,
                  temperature,
                  queue);
      dU = NdArrays.toFloats(loss.dUsers());
      dV = NdArrays.toFloats(loss.dCandidates());
      if (!pairs.none()) {
        dV = java.util.Arrays.copyOf(dV, positions * width);
        pairLoss = pairs.addGradient(v, dV, width);
      }
      lossHead = headGradient(loss); // copied out while the workspace still holds them
      lossHeadStatistics = headStatistics(loss);
    }
    float[] dBias = null;
    double dLogScale = loss.dLogScale();
    if (bias) {
      dBias = new float[columns];
      for (int j = 0; j < columns; j++) {
        dBias[j] = dV[j * width + dim];
      }
      if (c.learnedTemperature()) { // the bias column's share of dLogScale, as in the ND4J path
        double sum = 0;
        for (int i = 0; i < rows; i++) {
          sum += dU[i * width + dim];
        }
        dLogScale -= temperature * sum;
      }
    }
    float[] dUserInputs = RowNormalisation.backward(dU, width, u, width, userNorms, rows, dim);
    float[] dItemInputs = RowNormalisation.backward(dV, width, v, width, itemNorms, positions, dim);
    double learnedBias = c.loss() == ModelConfig.Loss.SIGLIP ? loss.dBias() : 0.0;
    double learnedScale = c.learnedTemperature() ? dLogScale : 0.0;
    return new Gradients(
        loss.loss() + pairLoss,
        HistoryPooling.idGradient(dUserInputs, s.recency()),
        itemFeatures.idRowGradient(dItemInputs),
        HistoryPooling.backwardPooledByDistinct(
            dUserInputs,
            poolOffsets,
            pooled.distinctIndices(),
            pooled.distinctCount(),
            dim,
            s.recency()),
        HistoryPooling.pooledSquaredNorm(dUserInputs, poolOffsets, dim, s.recency()),
        dBias,
        null,
        null,
        learnedScale,
        learnedBias,
        c.learnedTemperature() || c.loss() == ModelConfig.Loss.SIGLIP
            ? new float[] {(float) learnedScale, (float) learnedBias}
            : null,
        lossHead,
        lossHeadStatistics,
        itemFeatures.tokenGradient(dItemInputs),
        itemFeatures.tokenSquaredNorm(dItemInputs),
        recencyGradient(dUserInputs, pooledRows, poolOffsets));
  }

  /**
   * The step's item–item views (none when they are off or no event has an earlier click): the
   * anchors follow the main loss's {@code columns} among the candidate positions.
   */
  private final class Pairs {
    private final ItemPairs pairs;
    private final int events;
    private final int rows;
    private final int columns;
    private final float[] weights;
    private final int[] keys;

    Pairs(ItemPairs pairs, int events, int rows, int columns, float[] weights, int[] keys) {
      this.pairs = pairs;
      this.events = events;
      this.rows = rows;
      this.columns = columns;
      this.weights = weights;
      this.keys = keys;
    }

    boolean none() {
      return pairs.count() == 0;
    }

    /** Every candidate position: the main loss's columns, then the anchors. */
    int positions() {
      return columns + pairs.count();
    }

    /** The main loss's keys: those of its columns. */
    int[] mainKeys() {
      return none() ? keys : java.util.Arrays.copyOf(keys, columns);
    }

    /** Adds the weighted item–item gradient into {@code dOut}; returns the weighted loss. */
    double addGradient(float[] out, float[] dOut, int width) {
      return pairs.addGradient(
          out,
          dOut,
          width,
          dim,
          events,
          rows,
          columns - rows,
          weights,
          keys,
          itemPairs.temperature(),
          itemPairs.weight());
    }
  }

  /** The gradient of the learned history weights' logits, or null when they are fixed. */
  private float[] recencyGradient(float[] dUserInputs, float[] pooledRows, int[] poolOffsets) {
    if (s.recencyLearner == null) {
      return null;
    }
    return HistoryPooling.logitGradient(
        dUserInputs, pooledRows, poolOffsets, dim, s.recency(), s.recencyLearner.ages());
  }

  /** The loss head's gradient, flat, or null. */
  private static float[] headGradient(LossGradients loss) {
    return loss.dHead() == null ? null : NdArrays.toFloats(loss.dHead());
  }

  /** The loss head's statistics, or null. */
  private static float[] headStatistics(LossGradients loss) {
    return loss.headStatistics() == null ? null : NdArrays.toFloats(loss.headStatistics());
  }

  /**
   * The learned bias of each queued item (keys are item slots, live ones: evictions leave the
   * queue).
   */
  private float[] biasesOf(int[] slots) {
    float[] b = new float[slots.length];
    for (int k = 0; k < slots.length; k++) {
      b[k] = s.biases.bias(slots[k]);
    }
    return b;
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

  /**
   * Gradients copied out of ND4J: per position for the id embeddings (the user ones are also those
   * of the tower inputs, as pooling adds them unchanged), per distinct row for the pooled history
   * items (with the squared norm their per-position gradients would have, for the clip), and each
   * tower's head (projection, MLP) flat, null without one, and the learned history weights' logits,
   * null when they are fixed.
   */
  record Gradients(
      double loss,
      float[] users,
      float[] items,
      float[] pooled,
      double pooledSquaredNorm,
      float[] itemBias,
      float[] userHead,
      float[] itemHead,
      double dLogScale,
      double dBias,
      float[] scalars,
      float[] lossHead,
      float[] lossHeadStatistics,
      float[] features,
      double featureSquaredNorm,
      float[] recency) {}
}

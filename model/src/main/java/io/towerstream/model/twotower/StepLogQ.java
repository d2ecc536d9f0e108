package io.towerstream.model.twotower;

import io.towerstream.model.sampling.CandidateLogQ;
import io.towerstream.model.sampling.FrequencyEstimator;
import io.towerstream.model.tables.BatchLookup;
import java.util.HashMap;
import java.util.Map;

/**
 * log Q of one step's columns, {@code log(q_batch + M·p_res + (K/B⁺)·q_batch)} (see {@link
 * CandidateLogQ}): the batch's candidates and the queue's entries, an item getting the same value
 * wherever it appears. The queue of {@code K} entries holds the distinct positives of about {@code
 * K/B⁺} batches, {@code B⁺} this batch's distinct positives. Reads only.
 */
final class StepLogQ {
  private final ModelState s;
  private final BatchLookup items;
  private final int positiveItems;
  private final int draws;
  private final long step;
  private final double priorGap;

  StepLogQ(
      ModelState s, BatchLookup items, int positiveItems, int draws, long step, double priorGap) {
    this.s = s;
    this.items = items;
    this.positiveItems = positiveItems;
    this.draws = draws;
    this.step = step;
    this.priorGap = priorGap;
  }

  /**
   * @param candidates per candidate position, or null without correction
   * @param queue per queue entry, oldest first, or null without correction
   */
  record Result(float[] candidates, double[] queue) {}

  /**
   * @param queueKeys the queue's item slots, oldest first
   */
  Result compute(int[] queueKeys) {
    double queueBatches = queueKeys.length == 0 ? 0.0 : queueKeys.length / (double) positiveItems;
    double[] perItem = new double[items.distinctCount()];
    Map<Integer, Double> bySlot = new HashMap<>();
    for (int k = 0; k < perItem.length; k++) {
      int slot = items.slotBefore(k);
      // Yi et al. update the estimate with the batch's own occurrence before using it; computed
      // here without mutating, committed after the step.
      double gap =
          k < positiveItems
              ? s.frequencies.gapAfterObserving(slot, step, priorGap)
              : s.frequencies.gap(slot, priorGap);
      perItem[k] = of(slot, gap, queueBatches);
      if (slot >= 0 && queueKeys.length > 0) {
        bySlot.put(slot, perItem[k]);
      }
    }
    float[] logQ = new float[items.positions()];
    for (int j = 0; j < logQ.length; j++) {
      logQ[j] = (float) perItem[items.distinctOf(j)];
    }
    double[] queue = new double[queueKeys.length];
    for (int n = 0; n < queue.length; n++) {
      Double known = bySlot.get(queueKeys[n]);
      queue[n] =
          known != null
              ? known
              : of(queueKeys[n], s.frequencies.gap(queueKeys[n], priorGap), queueBatches);
    }
    return new Result(logQ, queue);
  }

  private double of(int slot, double gap, double queueBatches) {
    double reservoirProbability = slot >= 0 ? s.reservoir.probability(slot) : 0.0;
    return CandidateLogQ.of(
        FrequencyEstimator.batchProbability(gap), reservoirProbability, draws, queueBatches);
  }
}

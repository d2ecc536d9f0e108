package io.towerstream.model.twotower;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.prior.PriorWeightTuner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Feeds the {@link io.towerstream.model.prior.PriorWeightTuner} from the stream: every {@code
 * priorTuningInterval}-th batch, before it trains, each event whose user and item have rows is
 * ranked against every live item (the user's recent history excluded, as the item was not clicked
 * yet), by the score the store would serve without the prior ({@code user·item + τ·b}). When the
 * tuner then picks another weight, every item is marked changed, because every published bias moves
 * with it.
 *
 * <p>Cost: an event scored costs a dot product and a pass per candidate weight over every live
 * item, so a batch tunes on at most {@link #ITEM_SCORES_PER_BATCH} item scores: all its events on a
 * catalogue of up to ~16,000 items, fewer on larger ones (its first events; one at least), which
 * keeps tuning within about one training step's work at any catalogue size and deterministic.
 */
final class PriorTuning {
  /** Item scores (events × live items) one batch tunes on at most. */
  static final int ITEM_SCORES_PER_BATCH = 1 << 19;

  private final ModelState s;

  PriorTuning(ModelState state) {
    this.s = state;
  }

  /** Whether the next batch is one to tune on. */
  boolean due() {
    return s.priorTuner != null
        && !s.trainsAsReplica
        && s.counters.batches() % s.config.priorTuningInterval() == 0;
  }

  /**
   * Scores {@code batch} with the model as it is now, before it trains: each scored event's hits
   * under every candidate weight, for {@link #record} once the step is taken. Reads only.
   */
  List<boolean[]> score(List<Interaction> batch) {
    List<boolean[]> out = new ArrayList<>();
    int[] itemSlots = liveSlots();
    int n = itemSlots.length;
    if (n == 0) {
      return out;
    }
    int[] itemIndex = new int[s.items.size()];
    Arrays.fill(itemIndex, -1);
    for (int j = 0; j < n; j++) {
      itemIndex[itemSlots[j]] = j;
    }
    List<Interaction> known = new ArrayList<>();
    int[] userSlots = new int[batch.size()];
    int events = Math.max(1, Math.min(batch.size(), ITEM_SCORES_PER_BATCH / n));
    for (Interaction e : batch.subList(0, events)) {
      int user = s.users.slotOf(e.userId());
      int item = s.items.slotOf(e.itemId());
      if (user >= 0 && item >= 0) {
        userSlots[known.size()] = user;
        known.add(e);
      }
    }
    if (known.isEmpty()) {
      return out;
    }
    int dim = s.config.dim();
    float[] users = TowerOutputs.of(s, EntityKind.USER, userSlots, 0, known.size());
    float[] items = TowerOutputs.of(s, EntityKind.ITEM, itemSlots, 0, n);
    float[] learned = new float[n];
    double[] logMass = new double[n];
    for (int j = 0; j < n; j++) {
      learned[j] = s.learnedBias(itemSlots[j]);
      logMass[j] = s.prior.logMass(itemSlots[j]);
    }
    // u·v + τ·b for every event and item, the bias added inside ND4J rather than per row in Java
    float[][] scores =
        NdArrays.floatMatrix(users, known.size(), dim)
            .mmul(NdArrays.floatMatrix(items, n, dim).transpose())
            .addiRowVector(NdArrays.floatMatrix(learned, 1, n))
            .toFloatMatrix();
    List<String> history = new ArrayList<>();
    for (int b = 0; b < known.size(); b++) {
      float[] row = scores[b];
      history.clear();
      s.histories.copyTo(userSlots[b], history);
      int[] excluded = new int[history.size()];
      int count = 0;
      for (String itemId : history) {
        int slot = s.items.slotOf(itemId);
        if (slot >= 0) {
          excluded[count++] = itemIndex[slot];
        }
      }
      int target = itemIndex[s.items.slotOf(known.get(b).itemId())];
      out.add(PriorWeightTuner.hits(row, logMass, target, Arrays.copyOf(excluded, count)));
    }
    return out;
  }

  /**
   * Counts what {@link #score} found into the tuner and lets it reselect; every item's bias moves
   * when the weight does. Mutates the tuner.
   */
  void record(List<boolean[]> scored) {
    scored.forEach(s.priorTuner::record);
    if (s.priorTuner.reselect()) {
      s.itemChanges.markAll();
    }
  }

  private int[] liveSlots() {
    int[] out = new int[s.items.liveRows()];
    int k = 0;
    for (int slot = 0; slot < s.items.size() && k < out.length; slot++) {
      if (s.items.isLive(slot)) {
        out[k++] = slot;
      }
    }
    return Arrays.copyOf(out, k);
  }
}

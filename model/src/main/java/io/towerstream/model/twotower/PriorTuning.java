package io.towerstream.model.twotower;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.prior.PriorWeightTuner;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Feeds the {@link io.towerstream.model.prior.PriorWeightTuner} from the stream: every {@code
 * priorTuningInterval}-th batch, before it trains, each event whose user and item have rows is
 * ranked against every live item (the user's recent history excluded, as the item was not clicked
 * yet), by the score the store would serve without the prior ({@code user·item + τ·b}). When the
 * tuner then picks another weight, every item is marked changed, because every published bias moves
 * with it.
 *
 * <p>Cost: the items' outputs, learned biases and prior masses are kept here by slot and refreshed
 * only for the items whose output changed since the last tuned batch (a follower of the model's
 * item changes), so a tuned batch costs one {@code events × items} product and, per event, a pass
 * per candidate weight over the items. A tuned batch scores its first {@link #MIN_EVENTS} events,
 * or more while they stay within {@link #ITEM_SCORES} item scores (nineteen on MovieLens's 1,682
 * items), and batches are tuned only so often that the item scores average at most {@link
 * #ITEM_SCORES_PER_BATCH} a batch (every batch up to 32,000 items, every 31st at a million): tuning
 * stays within a fraction of a step's work at any catalogue size, and deterministic. The events it
 * does not score still age the tuner's counts, so that its half-life is one of the stream's events
 * whatever the share scored. One event a batch was too few on the sparse long-tail stream (12,000
 * items): with about 45 scored events in its memory the paired test could not leave a weight it no
 * longer deserved (next-click 0.0963 against the towers' 0.1011 on one seed).
 */
final class PriorTuning {
  /** Events a tuned batch scores at least (all of a smaller batch). */
  static final int MIN_EVENTS = 4;

  /**
   * Item scores (events × item slots) a tuned batch scores beyond its first {@link #MIN_EVENTS}.
   */
  static final int ITEM_SCORES = 1 << 15;

  /** Item scores tuning may average per batch: larger catalogues tune on every k-th batch. */
  static final int ITEM_SCORES_PER_BATCH = 1 << 17;

  /** Items whose output is recomputed per tower call when the cache is refreshed. */
  private static final int REFRESH_CHUNK = 1024;

  private final ModelState s;

  /** Item slots whose output, learned bias or prior mass changed since the cache was refreshed. */
  private final ChangeTracker changed = new ChangeTracker();

  /**
   * Each item slot's output (a zero row for a free slot), capacity × dim; null before the first.
   */
  private INDArray outputs;

  private float[] learned = new float[0];
  private double[] logMass = new double[0];

  PriorTuning(ModelState state) {
    this.s = state;
    state.itemChanges.addFollower(changed);
    changed.markAll(); // the first tuned batch fills the cache
  }

  /** Whether the next batch is one to tune on. */
  boolean due() {
    if (s.priorTuner == null || s.trainsAsReplica) {
      return false;
    }
    long every = (long) s.config.priorTuningInterval() * batchesPerTuning(s.items.size());
    return s.counters.batches() % every == 0;
  }

  /** Events a tuned batch of {@code size} scores over {@code n} item slots. */
  static int eventsToScore(int size, int n) {
    return Math.min(size, Math.max(MIN_EVENTS, ITEM_SCORES / Math.max(1, n)));
  }

  /** Every how many batches a catalogue of {@code n} item slots is tuned on, at the least. */
  static long batchesPerTuning(int n) {
    long scores = (long) MIN_EVENTS * n;
    return Math.max(1, (scores + ITEM_SCORES_PER_BATCH - 1) / ITEM_SCORES_PER_BATCH);
  }

  /**
   * Scores {@code batch} with the model as it is now, before it trains: each scored event's hits
   * under every candidate weight, for {@link #record} once the step is taken. Reads the model only.
   */
  List<boolean[]> score(List<Interaction> batch) {
    List<boolean[]> out = new ArrayList<>();
    int n = s.items.size(); // slots, free ones included: they score −∞ below
    if (s.items.liveRows() == 0) {
      return out;
    }
    refresh(n);
    List<Interaction> known = new ArrayList<>();
    int[] userSlots = new int[batch.size()];
    int events = eventsToScore(batch.size(), n);
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
    float[] bias = Arrays.copyOf(learned, n);
    for (int slot = 0; slot < n; slot++) {
      if (!s.items.isLive(slot)) {
        bias[slot] = Float.NEGATIVE_INFINITY; // no item (a zero row): never ranked above the click
      }
    }
    // u·v + τ·b for every event and item slot, the bias added inside ND4J
    float[][] scores =
        NdArrays.floatMatrix(users, known.size(), dim)
            .mmul(outputs.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).transpose())
            .addiRowVector(NdArrays.floatMatrix(bias, 1, n))
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
          excluded[count++] = slot;
        }
      }
      int target = s.items.slotOf(known.get(b).itemId());
      out.add(PriorWeightTuner.hits(row, logMass, target, Arrays.copyOf(excluded, count)));
    }
    return out;
  }

  /**
   * Brings the cache up to the model's {@code n} item slots: the outputs, learned biases and prior
   * masses of the slots changed since the last refresh (every slot the first time, and after a
   * change of every output).
   */
  private void refresh(int n) {
    int dim = s.config.dim();
    s.expandFeatureChanges(); // token rows that moved changed their items' outputs
    long capacity = outputs == null ? 0 : outputs.rows();
    if (n > capacity) {
      INDArray grown = Nd4j.create(DataType.FLOAT, Math.max(n, Math.max(1024, 2 * capacity)), dim);
      if (outputs != null) {
        grown.get(NDArrayIndex.interval(0, capacity), NDArrayIndex.all()).assign(outputs);
      }
      outputs = grown;
      learned = Arrays.copyOf(learned, (int) grown.rows());
      int old = logMass.length;
      logMass = Arrays.copyOf(logMass, (int) grown.rows());
      Arrays.fill(logMass, old, logMass.length, Double.NEGATIVE_INFINITY);
    }
    int[] slots = changed.take(n);
    int[] live = new int[slots.length];
    int m = 0;
    FloatBuffer rows = outputs.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    float[] zero = new float[dim];
    for (int slot : slots) {
      if (slot >= n) {
        continue;
      }
      if (s.items.isLive(slot)) {
        live[m++] = slot;
        learned[slot] = s.learnedBias(slot);
        logMass[slot] = s.prior.logMass(slot);
      } else {
        rows.position(slot * dim);
        rows.put(zero);
        learned[slot] = 0f;
        logMass[slot] = Double.NEGATIVE_INFINITY;
      }
    }
    for (int start = 0; start < m; start += REFRESH_CHUNK) {
      int len = Math.min(REFRESH_CHUNK, m - start);
      float[] v = TowerOutputs.of(s, EntityKind.ITEM, live, start, len);
      for (int r = 0; r < len; r++) {
        rows.position(live[start + r] * dim);
        rows.put(v, r * dim, dim);
      }
    }
  }

  /**
   * Counts what {@link #score} found into the tuner and lets it reselect; every item's bias moves
   * when the weight does. Mutates the tuner.
   */
  void record(List<boolean[]> scored, int batchEvents) {
    scored.forEach(s.priorTuner::record);
    s.priorTuner.age(batchEvents - scored.size());
    if (s.priorTuner.reselect()) {
      s.itemChanges.markAll();
    }
  }
}

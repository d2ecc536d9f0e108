package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import io.towerstream.model.ItemChangeFeed;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.nd.NdArrays;
import io.towerstream.model.snapshot.DataStrings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Prequential (test-then-train) evaluation: before a batch trains, each of its events is scored
 * with the state from before the batch: the rank of the clicked item among all items known so far
 * (seen in earlier batches), the user's earlier items excluded. Scored alike: the model as served
 * ({@link #TOWERSTREAM}: dot product plus the item's bias), the model without its prior, popularity
 * so far and popularity over the last {@code popWindow} events. An unknown user (for the model) or
 * unknown item is a miss for that scorer. With {@link #scoringFrom} only the events from a given
 * event time on are scored (the window of a replayed log); all of them are observed.
 *
 * <p><b>Cost.</b> The evaluator keeps its own matrix of every known item's output (in ND4J, row per
 * item) and bias, refreshed from the model's {@link ItemChangeFeed} only for the items that changed
 * since the last scored batch; a scored batch is then one gemm of its users' vectors (fetched in
 * one call) against that matrix, and one pass over each score row per scorer. On a live stream only
 * a cohort of users is scored: a user is in it when a hash of their id falls below the sample rate,
 * so every event of a cohort user counts and memory (the seen items kept for exclusion) grows with
 * the cohort only. With a cost budget ({@link #withCostBudget}) the rate shrinks, never grows,
 * whenever scoring costs more than that share of the training time; the cohort then shrinks to a
 * subset of itself, so what was scored stays comparable. Not thread-safe.
 *
 * <p>Long for one reason: the scoring, the cohort and budget rules and the snapshot of all of it
 * (metrics, counts, windows, seen items) are one state, which a restore must continue exactly; the
 * metrics themselves live in {@link PrequentialMetrics}.
 */
public final class PrequentialEvaluator {
  public static final String TOWERSTREAM = "towerstream";
  public static final String TOWERSTREAM_NO_PRIOR = "towerstreamNoPrior";
  public static final String POPULARITY = "popularity";
  public static final String RECENT_POPULARITY = "recentPopularity";

  /**
   * Scored batches between two looks at the cost, and the factor the rate shrinks by when over
   * budget.
   */
  private static final int BUDGET_CHECK_BATCHES = 20;

  private static final double SHRINK = 0.7;
  private static final double MIN_RATE = 1e-5;
  private static final int STATE_VERSION = 1;

  private final int popWindow;
  private double userSampleRate;
  private double costBudget = Double.POSITIVE_INFINITY;
  private long scoreFromMillis = Long.MIN_VALUE;
  private final Map<String, PrequentialMetrics> metrics = new LinkedHashMap<>();
  private final Map<String, Integer> itemIndex = new HashMap<>();
  private final List<String> items = new ArrayList<>();
  private final Map<String, Set<Integer>> seen = new HashMap<>();
  private float[] allCounts = new float[16];
  private float[] windowCounts = new float[16];
  private final ArrayDeque<Integer> recent = new ArrayDeque<>();

  /**
   * The model whose outputs the matrix holds, and its feed; both replaced if another model is
   * scored.
   */
  private OnlineModel source;

  private ItemChangeFeed feed;
  private int dim;
  private INDArray itemMatrix; // capacity × dim, rows [0, vectorsKnown) current
  private float[] itemBias = new float[16];
  private int vectorsKnown;
  private long scoringNanos;
  private long trainingNanos;
  private int batchesSinceCheck;

  /** Every user scored. */
  public PrequentialEvaluator(int metricWindow, int popWindow) {
    this(metricWindow, popWindow, 1.0);
  }

  /**
   * @param metricWindow events in the sliding window of {@link PrequentialMetrics#windowed()}
   * @param popWindow events counted by the recent-popularity baseline
   * @param userSampleRate share of users scored, in (0, 1]
   */
  public PrequentialEvaluator(int metricWindow, int popWindow, double userSampleRate) {
    if (popWindow < 1 || !(userSampleRate > 0 && userSampleRate <= 1)) {
      throw new IllegalArgumentException(
          "popularity window must be positive and user sample rate in (0, 1], were "
              + popWindow
              + ", "
              + userSampleRate);
    }
    this.popWindow = popWindow;
    this.userSampleRate = userSampleRate;
    for (String name : List.of(TOWERSTREAM, TOWERSTREAM_NO_PRIOR, POPULARITY, RECENT_POPULARITY)) {
      metrics.put(name, new PrequentialMetrics(metricWindow));
    }
  }

  /**
   * Keeps the time spent scoring at most {@code fraction} of the training time reported by {@link
   * #recordTraining}, by shrinking the cohort. Mutates and returns this.
   */
  public PrequentialEvaluator withCostBudget(double fraction) {
    if (!(fraction > 0)) {
      throw new IllegalArgumentException("cost budget must be positive, was " + fraction);
    }
    this.costBudget = fraction;
    return this;
  }

  /**
   * Scores only events whose {@link Interaction#eventTimeMillis()} is at least {@code
   * eventTimeMillis}; earlier ones are still {@link #observe observed} (they count for popularity,
   * the known items and each user's seen items), so the metrics judge a window of the stream by
   * what came before it. Mutates and returns this.
   */
  public PrequentialEvaluator scoringFrom(long eventTimeMillis) {
    this.scoreFromMillis = eventTimeMillis;
    return this;
  }

  /** The share of users scored now (below the configured one once the budget shrank it). */
  public double sampleRate() {
    return userSampleRate;
  }

  /** Scores {@code batch} against {@code model}'s current state, then trains the model on it. */
  public void scoreThenTrain(OnlineModel model, List<Interaction> batch) {
    score(model, batch);
    long started = System.nanoTime();
    model.train(batch);
    recordTraining(System.nanoTime() - started);
    observe(batch);
  }

  /** Metrics by scorer name ({@link #TOWERSTREAM}, …), live views. */
  public Map<String, PrequentialMetrics> metrics() {
    return metrics;
  }

  /** Time the model spent training, which the cost budget is measured against. */
  public void recordTraining(long nanos) {
    trainingNanos += nanos;
  }

  /**
   * Scores the cohort's events of {@code batch}; call {@link #observe} after the model trained on
   * it.
   */
  public void score(OnlineModel model, List<Interaction> batch) {
    long started = System.nanoTime();
    List<Interaction> cohort = new ArrayList<>();
    boolean anyScored = false;
    for (Interaction e : batch) {
      if (inCohort(e.userId())) {
        cohort.add(e);
        anyScored |= scored(e);
      }
    }
    if (anyScored) {
      scoreCohort(model, cohort);
    }
    scoringNanos += System.nanoTime() - started;
    checkBudget(anyScored);
  }

  private boolean scored(Interaction e) {
    return e.eventTimeMillis() >= scoreFromMillis;
  }

  /**
   * Ranks the cohort's events from {@link #scoringFrom} on; the earlier ones of the same batch (in
   * the one batch that straddles that time) only join their user's items excluded later in it.
   */
  private void scoreCohort(OnlineModel model, List<Interaction> cohort) {
    int n = items.size();
    refresh(model);
    List<Interaction> ranked = new ArrayList<>(cohort.size());
    for (Interaction e : cohort) {
      if (scored(e)) {
        ranked.add(e);
      }
    }
    float[][] dots = dotProducts(model, ranked, n);
    float[] pop = allCounts;
    float[] win = windowCounts;
    Map<String, Set<Integer>> seenInBatch = new HashMap<>();
    int b = 0;
    for (Interaction e : cohort) {
      Integer target = itemIndex.get(e.itemId());
      if (scored(e)) {
        float[] s = dots[b++];
        if (target == null) {
          metrics.values().forEach(m -> m.record(-1));
          continue;
        }
        Set<Integer> excluded = excludedFor(e.userId(), seenInBatch);
        if (s != null) {
          metrics
              .get(TOWERSTREAM_NO_PRIOR)
              .record(PrequentialMetrics.rankOf(s, n, target, excluded));
          metrics
              .get(TOWERSTREAM)
              .record(PrequentialMetrics.rankOf(s, itemBias, n, target, excluded));
        } else {
          metrics.get(TOWERSTREAM_NO_PRIOR).record(-1);
          metrics.get(TOWERSTREAM).record(-1);
        }
        metrics.get(POPULARITY).record(PrequentialMetrics.rankOf(pop, n, target, excluded));
        metrics.get(RECENT_POPULARITY).record(PrequentialMetrics.rankOf(win, n, target, excluded));
      } else if (target == null) {
        continue;
      }
      // the user's items so far plus this batch's, built once per user per batch
      seenInBatch
          .computeIfAbsent(
              e.userId(),
              u -> {
                Set<Integer> past = seen.get(u);
                return past == null ? new HashSet<>() : new HashSet<>(past);
              })
          .add(target);
    }
  }

  /** Counts {@code batch} into the known items, the baselines and the cohort's seen items. */
  public void observe(List<Interaction> batch) {
    for (Interaction e : batch) {
      Integer ix = itemIndex.get(e.itemId());
      if (ix == null) {
        ix = items.size();
        itemIndex.put(e.itemId(), ix);
        items.add(e.itemId());
        if (ix >= allCounts.length) {
          allCounts = Arrays.copyOf(allCounts, allCounts.length * 2);
          windowCounts = Arrays.copyOf(windowCounts, allCounts.length);
        }
      }
      if (inCohort(e.userId())) {
        seen.computeIfAbsent(e.userId(), u -> new HashSet<>()).add(ix);
      }
      allCounts[ix] += 1;
      windowCounts[ix] += 1;
      recent.addLast(ix);
      if (recent.size() > popWindow) {
        windowCounts[recent.removeFirst()] -= 1;
      }
    }
  }

  /**
   * The state a restore needs to continue exactly where this evaluator is: every scorer's metrics,
   * the known items in their order, the popularity counts, the recent-popularity window and the
   * cohort's seen items, and the cohort's share as the budget left it. Not included: the item
   * matrix, which the first scored batch after a restore fetches whole from the model, and the cost
   * measurements, which start again.
   */
  public byte[] snapshot() {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(1024 + items.size() * 24 + recent.size() * 4);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(STATE_VERSION);
      out.writeDouble(userSampleRate);
      out.writeInt(items.size());
      for (int k = 0; k < items.size(); k++) {
        DataStrings.write(out, items.get(k));
        out.writeFloat(allCounts[k]);
      }
      out.writeInt(recent.size());
      for (int ix : recent) {
        out.writeInt(ix);
      }
      out.writeInt(seen.size());
      for (Map.Entry<String, Set<Integer>> e : seen.entrySet()) {
        DataStrings.write(out, e.getKey());
        out.writeInt(e.getValue().size());
        for (int ix : e.getValue()) {
          out.writeInt(ix);
        }
      }
      out.writeInt(metrics.size());
      for (Map.Entry<String, PrequentialMetrics> e : metrics.entrySet()) {
        DataStrings.write(out, e.getKey());
        e.getValue().writeTo(out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the prequential evaluator's state", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Replaces this evaluator's state with a {@link #snapshot}, which any configuration may have
   * written: the recent- popularity window keeps the newest events that fit this one's, metrics
   * windows likewise, and the cohort is the smaller of the saved and the configured share (users
   * outside it leave with their seen items; users a larger share adds start with none). Call before
   * the first scored batch. Mutates and returns this.
   */
  public PrequentialEvaluator restore(byte[] state) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
      int version = in.readInt();
      if (version != STATE_VERSION) {
        throw new IllegalStateException(
            "prequential evaluator state has version "
                + version
                + ", this reader knows "
                + STATE_VERSION);
      }
      userSampleRate = Math.min(userSampleRate, in.readDouble());
      items.clear();
      itemIndex.clear();
      int n = in.readInt();
      int capacity = Math.max(16, Integer.highestOneBit(Math.max(1, n)) * 2);
      allCounts = new float[capacity];
      windowCounts = new float[capacity];
      for (int k = 0; k < n; k++) {
        String id = DataStrings.read(in);
        itemIndex.put(id, k);
        items.add(id);
        allCounts[k] = in.readFloat();
      }
      recent.clear();
      int r = in.readInt();
      for (int k = 0; k < r; k++) {
        int ix = checkedIndex(in.readInt(), n);
        if (r - k <= popWindow) {
          recent.addLast(ix);
          windowCounts[ix] += 1;
        }
      }
      seen.clear();
      int users = in.readInt();
      for (int u = 0; u < users; u++) {
        String user = DataStrings.read(in);
        int size = in.readInt();
        Set<Integer> set = new HashSet<>(Math.max(4, size * 2));
        for (int k = 0; k < size; k++) {
          set.add(checkedIndex(in.readInt(), n));
        }
        if (inCohort(user)) {
          seen.put(user, set);
        }
      }
      int scorers = in.readInt();
      for (int k = 0; k < scorers; k++) {
        String name = DataStrings.read(in);
        PrequentialMetrics m = metrics.get(name);
        (m != null ? m : new PrequentialMetrics(1))
            .readFrom(in); // a scorer this version dropped: read past it
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the prequential evaluator's state", e);
    }
    source = null; // the next scored batch fetches every item's vector
    feed = null;
    itemMatrix = null;
    vectorsKnown = 0;
    scoringNanos = 0;
    trainingNanos = 0;
    batchesSinceCheck = 0;
    return this;
  }

  private static int checkedIndex(int ix, int items) throws IOException {
    if (ix < 0 || ix >= items) {
      throw new IOException("item index " + ix + " outside the " + items + " items saved");
    }
    return ix;
  }

  /**
   * Brings the item matrix up to date: vectors for items first known since the last scored batch,
   * and the feed's changes for the others. A new model (or the first) starts a new feed and a full
   * fetch.
   */
  private void refresh(OnlineModel model) {
    if (model != source) {
      source = model;
      feed = model.itemChangeFeed();
      vectorsKnown = 0;
      itemMatrix = null;
    }
    int n = items.size();
    if (vectorsKnown < n) {
      List<String> fresh = items.subList(vectorsKnown, n);
      float[] v = model.itemVectors(fresh);
      if (dim == 0) {
        dim = v.length / fresh.size();
      }
      ensureCapacity(n);
      FloatBuffer rows = buffer();
      rows.position(vectorsKnown * dim);
      rows.put(v, 0, fresh.size() * dim);
      for (int k = vectorsKnown; k < n; k++) {
        itemBias[k] = model.itemBias(items.get(k));
      }
      vectorsKnown = n;
    }
    FloatBuffer rows = buffer();
    feed.drain(
        (kind, id, vector, bias) -> {
          Integer ix = itemIndex.get(id);
          if (ix != null && ix < vectorsKnown) {
            rows.position(ix * dim);
            rows.put(vector, 0, dim);
            itemBias[ix] = bias;
          }
        },
        id -> {
          Integer ix = itemIndex.get(id);
          if (ix != null && ix < vectorsKnown) { // evicted: the model has no vector for it any more
            rows.position(ix * dim);
            rows.put(new float[dim]);
            itemBias[ix] = 0f;
          }
        });
  }

  private void ensureCapacity(int n) {
    long capacity = itemMatrix == null ? 0 : itemMatrix.rows();
    if (n > capacity) {
      INDArray grown =
          Nd4j.createUninitializedDetached(
              DataType.FLOAT, Math.max(n, Math.max(1024, 2 * capacity)), dim);
      if (itemMatrix != null && vectorsKnown > 0) {
        grown
            .get(NDArrayIndex.interval(0, vectorsKnown), NDArrayIndex.all())
            .assign(itemMatrix.get(NDArrayIndex.interval(0, vectorsKnown), NDArrayIndex.all()));
      }
      itemMatrix = grown;
      itemBias = Arrays.copyOf(itemBias, (int) grown.rows());
    }
  }

  private FloatBuffer buffer() {
    return itemMatrix == null
        ? FloatBuffer.allocate(0)
        : itemMatrix.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
  }

  private boolean inCohort(String userId) {
    if (userSampleRate >= 1) {
      return true;
    }
    return cohortHash(userId) < userSampleRate;
  }

  private static double cohortHash(String userId) {
    long h = userId.hashCode() * 0x9E3779B97F4A7C15L; // spread String.hashCode's low-entropy bits
    return (h >>> 11) * 0x1.0p-53;
  }

  /**
   * Every {@value #BUDGET_CHECK_BATCHES} scored batches, shrinks the cohort while scoring costs
   * more than the budget's share of the training time since the last look; users who leave the
   * cohort take their seen items with them.
   */
  private void checkBudget(boolean scored) {
    if (costBudget == Double.POSITIVE_INFINITY
        || !scored
        || ++batchesSinceCheck < BUDGET_CHECK_BATCHES) {
      return;
    }
    batchesSinceCheck = 0;
    if (trainingNanos > 0
        && scoringNanos > costBudget * trainingNanos
        && userSampleRate > MIN_RATE) {
      double rate =
          Math.max(
              MIN_RATE,
              userSampleRate * Math.min(SHRINK, costBudget * trainingNanos / scoringNanos));
      userSampleRate = rate;
      seen.keySet().removeIf(u -> cohortHash(u) >= rate);
    }
    scoringNanos = 0;
    trainingNanos = 0;
  }

  private Set<Integer> excludedFor(String user, Map<String, Set<Integer>> seenInBatch) {
    Set<Integer> now = seenInBatch.get(user); // already holds the user's earlier items too
    return now != null ? now : seen.get(user);
  }

  /**
   * One row of user·item dot products per event (null when the user has no vector), from one gemm.
   */
  private float[][] dotProducts(OnlineModel model, List<Interaction> events, int n) {
    float[][] out = new float[events.size()][];
    if (n == 0) {
      return out;
    }
    Map<String, Integer> userRow = new LinkedHashMap<>();
    for (Interaction e : events) {
      userRow.putIfAbsent(e.userId(), userRow.size());
    }
    List<String> users = new ArrayList<>(userRow.keySet());
    float[] um = model.userVectors(users);
    int d = um.length / users.size();
    INDArray userMatrix = NdArrays.floatMatrix(um, users.size(), d);
    INDArray known = itemMatrix.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
    float[] scores = NdArrays.toFloats(userMatrix.mmul(known.transpose()));
    for (int b = 0; b < events.size(); b++) {
      int r = userRow.get(events.get(b).userId());
      out[b] = isZero(um, r * d, d) ? null : Arrays.copyOfRange(scores, r * n, (r + 1) * n);
    }
    return out;
  }

  private static boolean isZero(float[] v, int off, int len) {
    for (int k = off; k < off + len; k++) {
      if (v[k] != 0f) {
        return false;
      }
    }
    return true;
  }
}

package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * What a team would run instead of a streaming trainer, judged by the next click exactly as {@link
 * PrequentialEvaluator} judges the model: the stream goes by in batches of {@code batchSize} from
 * its first event; each event of the window (from {@code windowStart} to the end) is ranked, before
 * its batch counts, against every item seen in earlier batches, the user's earlier items excluded
 * (those of earlier batches and earlier in this one), ties to the item seen first; an item not seen
 * yet is a miss. Peers:
 *
 * <ul>
 *   <li>{@link #POPULARITY}: clicks so far;
 *   <li>{@link #RECENT_POPULARITY}: clicks over the last {@code popWindow} events;
 *   <li>{@link #EASE_REFITTED}: EASE (Steck 2019) refitted {@code refits} times, evenly across the
 *       window, each time on every click before it, each user's score row following their own
 *       clicks between refits: the batch item-item model refitted nightly and served from each
 *       user's live history;
 *   <li>{@link #EASE_ONCE}: the first of those fits, kept to the end (what refitting adds).
 * </ul>
 *
 * <p>EASE's λ is fixed, or tuned once before the first refit: each λ of {@link #LAMBDAS} is fitted
 * on the clicks before the stretch of one refit interval that precedes the window, and the one with
 * the best HR@10 over that stretch (same protocol) serves the whole window. Deterministic.
 */
public final class NextClickPeers {
  public static final String POPULARITY = PrequentialEvaluator.POPULARITY;
  public static final String RECENT_POPULARITY = PrequentialEvaluator.RECENT_POPULARITY;
  public static final String EASE_REFITTED = "easeRefitted";
  public static final String EASE_ONCE = "easeOnce";

  /** The λ grid of the tuning: EASE's optimum moves with catalogue size and clicks per item. */
  public static final double[] LAMBDAS = {5, 10, 25, 50, 100, 200, 300, 500, 1000, 2000};

  /** EASE's λ when it is not tuned. */
  public static final double DEFAULT_LAMBDA = 300;

  /**
   * @param batchSize events per batch, as the trainer batches them
   * @param popWindow events the recent popularity counts
   * @param refits EASE fits across the window, at least 1
   * @param easeLambda EASE's λ; NaN to tune it once before the first refit
   * @param easeMaxItems EASE runs only when the stream has at most this many items (its fit costs
   *     n³ and 8n² bytes)
   */
  public record Options(
      int batchSize, int popWindow, int refits, double easeLambda, int easeMaxItems) {
    public Options {
      if (batchSize < 1 || popWindow < 1 || refits < 1 || easeMaxItems < 0) {
        throw new IllegalArgumentException(
            "batch size, popularity window and refits must be positive, EASE's item bound not"
                + " negative");
      }
      if (!Double.isNaN(easeLambda) && !(easeLambda > 0)) {
        throw new IllegalArgumentException("EASE's lambda must be positive, was " + easeLambda);
      }
    }

    /** Batches of 32, popularity over 1,000 events, 10 refits, λ tuned, up to 15,000 items. */
    public static Options defaults() {
      return new Options(32, 1000, 10, Double.NaN, 15_000);
    }

    public Options withLambda(double lambda) {
      return new Options(batchSize, popWindow, refits, lambda, easeMaxItems);
    }

    public Options withBatchSize(int size) {
      return new Options(size, popWindow, refits, easeLambda, easeMaxItems);
    }
  }

  /**
   * @param metrics by peer name; each holds exactly the window's events ({@code whole()} is the
   *     window)
   * @param easeLambda the λ EASE used (NaN when skipped)
   * @param lambdaHitRates the tuning's HR@10 by λ (empty when λ was fixed or EASE skipped)
   * @param easeSkipped why EASE did not run, or null
   * @param easeSeconds time spent fitting EASE, tuning included
   */
  public record Result(
      Map<String, PrequentialMetrics> metrics,
      long windowEvents,
      double easeLambda,
      Map<Double, Double> lambdaHitRates,
      String easeSkipped,
      double easeSeconds) {}

  private NextClickPeers() {}

  /**
   * Units of work {@link #run} reports: one per event of the stream, one per EASE fit, and for the
   * tuning one per λ and event before the window.
   */
  public static long workUnits(List<Interaction> stream, int windowStart, Options o) {
    boolean ease = distinctItems(stream) <= o.easeMaxItems();
    long units = stream.size();
    if (ease) {
      units += o.refits();
      if (Double.isNaN(o.easeLambda())) {
        units += (long) LAMBDAS.length * (windowStart + 1);
      }
    }
    return units;
  }

  /**
   * A further scorer for the same protocol, such as a synthetic stream's own generator (the best
   * any model could rank).
   */
  @FunctionalInterface
  public interface ExtraPeer {
    /**
     * Scores for {@code userId} over the items known so far ({@code items}, index order), given the
     * user's items so far ({@code history}, indices in first-click order, null for a new user). A
     * fresh array.
     */
    float[] scores(String userId, List<String> items, Set<Integer> history);
  }

  /** Runs every peer over {@code stream}, scoring the events from {@code windowStart} on. */
  public static Result run(
      List<Interaction> stream, int windowStart, Options o, LongConsumer progress) {
    return run(stream, windowStart, o, Map.of(), progress);
  }

  /** As {@link #run(List, int, Options, LongConsumer)}, with {@code extra} peers by name. */
  public static Result run(
      List<Interaction> stream,
      int windowStart,
      Options o,
      Map<String, ExtraPeer> extra,
      LongConsumer progress) {
    if (windowStart < 0 || windowStart >= stream.size()) {
      throw new IllegalArgumentException(
          "the window must start inside the stream of " + stream.size() + ", was " + windowStart);
    }
    int windowEvents = stream.size() - windowStart;
    int items = distinctItems(stream);
    String skipped =
        items <= o.easeMaxItems()
            ? null
            : String.format(
                Locale.ROOT,
                "%d items > %d: each fit inverts an items x items matrix",
                items,
                o.easeMaxItems());
    long easeNanos = 0;
    double lambda = o.easeLambda();
    Map<Double, Double> tuning = new LinkedHashMap<>();
    if (skipped == null && Double.isNaN(lambda)) {
      long t = System.nanoTime();
      lambda = tuneLambda(stream, windowStart, o, tuning, progress);
      easeNanos += System.nanoTime() - t;
    }
    Map<String, PrequentialMetrics> metrics = new LinkedHashMap<>();
    for (String name : List.of(POPULARITY, RECENT_POPULARITY, EASE_REFITTED, EASE_ONCE)) {
      if (skipped == null || !name.startsWith("ease")) {
        metrics.put(name, new PrequentialMetrics(windowEvents));
      }
    }
    extra.keySet().forEach(name -> metrics.put(name, new PrequentialMetrics(windowEvents)));
    ClickReplay state = new ClickReplay(o.popWindow());
    LiveEase[] refitted = {null};
    LiveEase[] once = {null};
    Map<String, Peer> peers = new LinkedHashMap<>();
    peers.put(POPULARITY, (user, before, n) -> state.counts());
    peers.put(RECENT_POPULARITY, (user, before, n) -> state.windowCounts());
    if (skipped == null) {
      peers.put(EASE_REFITTED, ease(refitted));
      peers.put(EASE_ONCE, ease(once));
    }
    extra.forEach(
        (name, peer) ->
            peers.put(name, (user, before, n) -> peer.scores(user, state.items(), before)));
    int nextRefit = 0;
    for (int start = 0; start < stream.size(); start += o.batchSize()) {
      int end = Math.min(stream.size(), start + o.batchSize());
      List<Interaction> batch = stream.subList(start, end);
      if (skipped == null
          && nextRefit < o.refits()
          && end > refitPosition(windowStart, windowEvents, o.refits(), nextRefit)) {
        long t = System.nanoTime();
        refitted[0] = LiveEase.fit(state.users(), state.known(), lambda);
        if (once[0] == null) {
          once[0] = refitted[0];
        }
        easeNanos += System.nanoTime() - t;
        progress.accept(1);
        // several refit points may fall into one batch when the window is short
        while (nextRefit < o.refits()
            && end > refitPosition(windowStart, windowEvents, o.refits(), nextRefit)) {
          nextRefit++;
        }
      }
      if (end > windowStart) {
        score(batch, Math.max(0, windowStart - start), state, peers, metrics);
      }
      observe(batch, state, refitted[0], once[0] == refitted[0] ? null : once[0]);
      progress.accept(batch.size());
    }
    return new Result(
        metrics,
        windowEvents,
        skipped == null ? lambda : Double.NaN,
        tuning,
        skipped,
        easeNanos / 1e9);
  }

  /** The stream position from which refit {@code k} serves: the window cut in equal parts. */
  private static long refitPosition(int windowStart, int windowEvents, int refits, int k) {
    return windowStart + (long) k * windowEvents / refits;
  }

  /** A peer's scores for a user over the {@code n} items known before the batch; null: a miss. */
  @FunctionalInterface
  private interface Peer {
    float[] scores(String user, Set<Integer> before, int n);
  }

  /**
   * Ranks the batch's events from {@code from} on under every peer, with the state from before the
   * batch; {@code peers} and {@code metrics} share their keys.
   */
  private static void score(
      List<Interaction> batch,
      int from,
      ClickReplay state,
      Map<String, Peer> peers,
      Map<String, PrequentialMetrics> metrics) {
    int n = state.known();
    Map<String, Set<Integer>> seenInBatch = new HashMap<>();
    for (int k = 0; k < batch.size(); k++) {
      Interaction e = batch.get(k);
      Integer target = state.indexOf(e.itemId());
      Set<Integer> before = state.seen(e.userId());
      if (k >= from) {
        Set<Integer> excluded = seenInBatch.getOrDefault(e.userId(), before);
        for (Map.Entry<String, Peer> p : peers.entrySet()) {
          float[] s = target == null ? null : p.getValue().scores(e.userId(), before, n);
          metrics
              .get(p.getKey())
              .record(s == null ? -1 : PrequentialMetrics.rankOf(s, n, target, excluded));
        }
      }
      if (target != null) {
        seenInBatch
            .computeIfAbsent(
                e.userId(), u -> before == null ? new HashSet<>() : new HashSet<>(before))
            .add(target);
      }
    }
  }

  /** The peer that ranks by {@code fit}'s live user rows, or misses every event before a fit. */
  private static Peer ease(LiveEase[] fit) {
    return (user, before, n) -> fit[0] == null ? null : fit[0].scores(user, before, n);
  }

  /**
   * λ by HR@10 over the refit interval before the window, each λ fitted on the clicks before that
   * stretch; fills {@code hitRates}.
   */
  private static double tuneLambda(
      List<Interaction> stream,
      int windowStart,
      Options o,
      Map<Double, Double> hitRates,
      LongConsumer progress) {
    int windowEvents = stream.size() - windowStart;
    int stretch = Math.min(windowEvents / o.refits(), windowStart / 2);
    int tuneStart = windowStart - stretch;
    if (stretch < 1) {
      return DEFAULT_LAMBDA;
    }
    double best = DEFAULT_LAMBDA;
    double bestHr = -1;
    for (double lambda : LAMBDAS) {
      ClickReplay state = new ClickReplay(o.popWindow());
      PrequentialMetrics m = new PrequentialMetrics(stretch + o.batchSize());
      LiveEase[] ease = {null};
      Map<String, Peer> peer = Map.of(EASE_REFITTED, ease(ease));
      Map<String, PrequentialMetrics> metric = Map.of(EASE_REFITTED, m);
      for (int start = 0; start < windowStart; start += o.batchSize()) {
        int end = Math.min(windowStart, start + o.batchSize());
        List<Interaction> batch = stream.subList(start, end);
        if (ease[0] == null && end > tuneStart) {
          ease[0] = LiveEase.fit(state.users(), state.known(), lambda);
        }
        if (ease[0] != null) {
          score(batch, Math.max(0, tuneStart - start), state, peer, metric);
        }
        observe(batch, state, ease[0], null);
        progress.accept(batch.size());
      }
      progress.accept(1);
      double hr = m.whole().get("hr@10");
      hitRates.put(lambda, hr);
      if (hr > bestHr) {
        bestHr = hr;
        best = lambda;
      }
    }
    return best;
  }

  /** Counts the batch in, and each user's first click of an item into the live EASE rows. */
  private static void observe(List<Interaction> batch, ClickReplay state, LiveEase a, LiveEase b) {
    boolean[] added = state.observe(batch);
    for (int k = 0; k < batch.size(); k++) {
      if (added[k]) {
        Interaction e = batch.get(k);
        int ix = state.indexOf(e.itemId());
        if (a != null) {
          a.clicked(e.userId(), ix);
        }
        if (b != null) {
          b.clicked(e.userId(), ix);
        }
      }
    }
  }

  private static int distinctItems(List<Interaction> stream) {
    Set<String> ids = new HashSet<>();
    for (Interaction e : stream) {
      ids.add(e.itemId());
    }
    return ids.size();
  }
}

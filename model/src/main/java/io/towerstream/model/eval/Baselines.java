package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * The non-learned references every towerstream number is read against, all on one {@link
 * TemporalSplit}: global popularity, recent popularity (the last {@value #RECENT_FRACTION} of the
 * training stream) and EASE with λ tuned one level down ({@link EaseScorer#tuneLambda}).
 * Deterministic: the same split gives the same metrics, so an offline harness and the CLI's
 * pipeline evaluation report the same baseline figures.
 */
public final class Baselines {
  /** The recent-popularity window, as a fraction of the training stream (its end). */
  public static final double RECENT_FRACTION = 0.1;

  /**
   * The λ grid EASE is tuned over; wide enough for catalogues from hundreds to a few thousand
   * items.
   */
  public static final double[] EASE_LAMBDAS = {50, 100, 200, 400, 800, 1600};

  /** Each baseline's {@link RankingMetrics#evaluate} result, and the λ EASE was tuned to. */
  /**
   * @param ease null when EASE was not run ({@code easeSkipped} says why)
   * @param easeLambda NaN when EASE was not run
   * @param easeSkipped why EASE was not run; null when it was
   */
  public record Result(
      Map<String, Double> popularity,
      Map<String, Double> recentPopularity,
      Map<String, Double> ease,
      double easeLambda,
      String easeSkipped) {}

  /**
   * The largest catalogue EASE is solved for by default: its items × items inverse in double costs
   * n³ per λ and 8 n² bytes, which above a few thousand items is no longer minutes on two cores.
   */
  public static final int EASE_MAX_ITEMS = 5_000;

  private Baselines() {}

  public static Result evaluate(TemporalSplit split, int... ks) {
    return evaluateWithEaseUpTo(split, EASE_MAX_ITEMS, ks);
  }

  /** As {@link #evaluate(TemporalSplit, int...)}, EASE only up to {@code easeMaxItems} items. */
  public static Result evaluateWithEaseUpTo(TemporalSplit split, int easeMaxItems, int... ks) {
    return evaluateWithEaseUpTo(split, easeMaxItems, units -> {}, ks);
  }

  /**
   * The units of work {@link #evaluateWithEaseUpTo(TemporalSplit, int, LongConsumer, int...)}
   * reports: one per user ranked by each baseline, and for EASE one per user of its tuning split
   * and λ, plus one for its eigendecomposition.
   */
  public static long workUnits(TemporalSplit split, int easeMaxItems) {
    long units = 2L * split.relevant.size();
    if (split.items.size() <= easeMaxItems) {
      units += split.relevant.size() + EaseScorer.tuningUnits(split.train, EASE_LAMBDAS);
    }
    return units;
  }

  /**
   * As {@link #evaluateWithEaseUpTo(TemporalSplit, int, int...)}, handing {@code progress} the
   * units of {@link #workUnits} as they are done (from this thread), for a progress bar.
   */
  public static Result evaluateWithEaseUpTo(
      TemporalSplit split, int easeMaxItems, LongConsumer progress, int... ks) {
    Map<String, Double> popularity =
        RankingMetrics.evaluate(
            split, counted(new PopularityScorer(split, split.train), progress), ks);
    Map<String, Double> recent =
        RankingMetrics.evaluate(
            split, counted(new PopularityScorer(split, recentTrain(split)), progress), ks);
    int items = split.items.size();
    if (items > easeMaxItems) {
      return new Result(
          popularity,
          recent,
          null,
          Double.NaN,
          String.format(
              java.util.Locale.ROOT,
              "%d items > %d: an items x items inverse per lambda is too slow and too large",
              items,
              easeMaxItems));
    }
    double lambda = EaseScorer.tuneLambda(split.train, EASE_LAMBDAS, progress);
    return new Result(
        popularity,
        recent,
        RankingMetrics.evaluate(split, counted(new EaseScorer(split, lambda), progress), ks),
        lambda,
        null);
  }

  /** {@code scorer}, reporting one unit to {@code progress} per user it scores. */
  static Scorer counted(Scorer scorer, LongConsumer progress) {
    return user -> {
      float[] s = scorer.scores(user);
      progress.accept(1);
      return s;
    };
  }

  /** The end of the training stream that recent popularity counts. */
  public static List<Interaction> recentTrain(TemporalSplit split) {
    return split.train.subList(
        (int) (split.train.size() * (1 - RECENT_FRACTION)), split.train.size());
  }
}

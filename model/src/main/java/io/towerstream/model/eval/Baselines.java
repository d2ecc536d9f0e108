package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.List;
import java.util.Map;

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
  public record Result(
      Map<String, Double> popularity,
      Map<String, Double> recentPopularity,
      Map<String, Double> ease,
      double easeLambda) {}

  private Baselines() {}

  public static Result evaluate(TemporalSplit split, int... ks) {
    double lambda = EaseScorer.tuneLambda(split.train, EASE_LAMBDAS);
    return new Result(
        RankingMetrics.evaluate(split, new PopularityScorer(split, split.train), ks),
        RankingMetrics.evaluate(split, new PopularityScorer(split, recentTrain(split)), ks),
        RankingMetrics.evaluate(split, new EaseScorer(split, lambda), ks),
        lambda);
  }

  /** The end of the training stream that recent popularity counts. */
  public static List<Interaction> recentTrain(TemporalSplit split) {
    return split.train.subList(
        (int) (split.train.size() * (1 - RECENT_FRACTION)), split.train.size());
  }
}

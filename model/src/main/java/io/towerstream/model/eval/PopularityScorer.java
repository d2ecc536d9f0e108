package io.towerstream.model.eval;

import io.towerstream.model.Interaction;
import java.util.List;

/** Scores every user alike: an item's click count in a stretch of the training stream. */
public final class PopularityScorer implements Scorer {
  private final float[] counts;

  /**
   * Counts over {@code events} (e.g. the whole training part, or its last 10% for recent
   * popularity).
   */
  public PopularityScorer(TemporalSplit split, List<Interaction> events) {
    this.counts = counts(split, events);
  }

  /** Click counts per catalogue index; items outside the catalogue are ignored. */
  public static float[] counts(TemporalSplit split, List<Interaction> events) {
    float[] c = new float[split.items.size()];
    for (Interaction e : events) {
      Integer ix = split.itemIndex.get(e.itemId());
      if (ix != null) {
        c[ix] += 1;
      }
    }
    return c;
  }

  @Override
  public float[] scores(String userId) {
    return counts.clone();
  }
}

package io.towerstream.model.eval;

/** Scores every catalogue item of a {@link TemporalSplit} for one user; higher ranks first. */
@FunctionalInterface
public interface Scorer {
  /** A fresh array, one score per catalogue index. */
  float[] scores(String userId);
}

package io.towerstream.model.eval;

import java.util.Random;

/** Ranks the catalogue at random, seeded: the chance level of a protocol, measured. */
public final class RandomScorer implements Scorer {
  private final int items;
  private final Random random;

  public RandomScorer(int items, long seed) {
    this.items = items;
    this.random = new Random(seed);
  }

  @Override
  public float[] scores(String userId) {
    float[] s = new float[items];
    for (int i = 0; i < items; i++) {
      s[i] = random.nextFloat();
    }
    return s;
  }
}

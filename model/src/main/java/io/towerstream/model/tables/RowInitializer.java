package io.towerstream.model.tables;

import io.towerstream.model.random.SeededRandom;

/** Draws the initial weights of new rows, N(0, scale²) per coordinate, from its own seeded generator. */
public final class RowInitializer {
  private final SeededRandom random;
  private final float scale;

  public RowInitializer(SeededRandom random, float scale) {
    this.random = random;
    this.scale = scale;
  }

  /** Writes {@code dim} fresh weights into {@code dst[off..off+dim)}. Advances the generator. */
  public void fill(float[] dst, int off, int dim) {
    for (int k = 0; k < dim; k++) {
      dst[off + k] = (float) (random.nextGaussian() * scale);
    }
  }

  /** The generator, whose state snapshots save and skipped steps rewind. */
  public SeededRandom random() {
    return random;
  }
}

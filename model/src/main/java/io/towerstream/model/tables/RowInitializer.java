package io.towerstream.model.tables;

import io.towerstream.model.random.SeededRandom;
import java.nio.charset.StandardCharsets;

/**
 * Draws the initial weights of new rows, N(0, scale²) per coordinate, as a function of the row's id
 * and the model seed alone. Every replica of a sharded model therefore creates the same initial row
 * for the same item, whichever replica sees it first and in whatever order, so that deltas
 * exchanged between replicas add up to the same row everywhere; and a restore or a rescale needs no
 * generator state to continue identically.
 *
 * <p>The generator passed in is only carried for the snapshot format (formats 1-3 store one per
 * table); it is no longer advanced.
 */
public final class RowInitializer {
  private final SeededRandom random;
  private final float scale;
  private final long salt;

  /**
   * @param salt mixed into every id's stream: the model seed and the table, so that the user and
   *     the item with the same id string start differently
   */
  public RowInitializer(SeededRandom random, float scale, long salt) {
    this.random = random;
    this.scale = scale;
    this.salt = salt;
  }

  /** Writes the {@code dim} initial weights of {@code id} into {@code dst[off..off+dim)}. Pure. */
  public void fill(String id, float[] dst, int off, int dim) {
    SeededRandom draws = new SeededRandom(salt ^ hash64(id));
    for (int k = 0; k < dim; k++) {
      dst[off + k] = (float) (draws.nextGaussian() * scale);
    }
  }

  /** The initial weights of {@code id}, a fresh array. */
  public float[] initial(String id, int dim) {
    float[] row = new float[dim];
    fill(id, row, 0, dim);
    return row;
  }

  /** The generator stored in snapshots for their layout. */
  public SeededRandom random() {
    return random;
  }

  /**
   * FNV-1a over the UTF-8 bytes, then SplitMix64's finaliser: stable across JVMs, and well mixed.
   */
  static long hash64(String id) {
    long h = 0xCBF29CE484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001B3L;
    }
    h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
    h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
    return h ^ (h >>> 31);
  }
}

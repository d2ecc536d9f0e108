package io.towerstream.model.random;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;

/**
 * A small, fast pseudo-random generator (SplitMix64, Steele et al. 2014) whose whole state can be
 * read and restored, so that a model restored from a snapshot draws exactly the numbers the
 * original would have. {@link java.util.SplittableRandom} has the same core but hides its state.
 * Not thread-safe.
 */
public final class SeededRandom {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final double DOUBLE_UNIT = 0x1.0p-53;

  private long state;
  // Box-Muller yields two normals per draw; the spare is part of the state.
  private boolean hasSpareGaussian;
  private double spareGaussian;

  public SeededRandom(long seed) {
    this.state = seed;
  }

  /** A generator seeded from this one's next output (an independent stream). Advances this one. */
  public SeededRandom split() {
    return new SeededRandom(nextLong());
  }

  public long nextLong() {
    long z = (state += GOLDEN_GAMMA);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Uniform in [0, 1). */
  public double nextDouble() {
    return (nextLong() >>> 11) * DOUBLE_UNIT;
  }

  /** Uniform in [0, bound). */
  public int nextInt(int bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, was " + bound);
    }
    // Multiply-shift (Lemire) without the rejection step: the bias is below 2^-32 for int bounds.
    return (int) (((nextLong() >>> 32) * bound) >>> 32);
  }

  /** Standard normal. */
  public double nextGaussian() {
    if (hasSpareGaussian) {
      hasSpareGaussian = false;
      return spareGaussian;
    }
    double u1;
    do {
      u1 = nextDouble();
    } while (u1 == 0.0);
    double u2 = nextDouble();
    double radius = Math.sqrt(-2.0 * Math.log(u1));
    double angle = 2.0 * Math.PI * u2;
    spareGaussian = radius * Math.sin(angle);
    hasSpareGaussian = true;
    return radius * Math.cos(angle);
  }

  /** The complete state, for snapshots. */
  public State state() {
    return new State(state, hasSpareGaussian, spareGaussian);
  }

  /** Rewinds or forwards this generator to a state previously read with {@link #state()}. */
  public void restore(State s) {
    this.state = s.word();
    this.hasSpareGaussian = s.hasSpareGaussian();
    this.spareGaussian = s.spareGaussian();
  }

  public void writeTo(SnapshotWriter out) {
    out.writeLong(state).writeBoolean(hasSpareGaussian).writeDouble(spareGaussian);
  }

  public static SeededRandom readFrom(SnapshotReader in) {
    SeededRandom r = new SeededRandom(0);
    r.restore(new State(in.readLong(), in.readBoolean(), in.readDouble()));
    return r;
  }

  /** Everything needed to continue the exact sequence. */
  public record State(long word, boolean hasSpareGaussian, double spareGaussian) {}
}

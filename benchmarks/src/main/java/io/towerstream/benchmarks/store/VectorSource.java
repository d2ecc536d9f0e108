package io.towerstream.benchmarks.store;

import java.util.SplittableRandom;

/**
 * Seeded benchmark vectors: {@code random} (i.i.d. Gaussian, the hardest case for a graph: no
 * structure, distances concentrate) or {@code clustered} (1,000 Gaussian centres, each vector a
 * centre plus noise of a third of its scale: closer to real embeddings, which cluster by topic).
 * Queries come from the same distribution as the items.
 */
final class VectorSource {
  private static final int CLUSTERS = 1000;
  private final int dim;
  private final boolean clustered;
  private final float[][] centres;

  VectorSource(String kind, int dim, long seed) {
    this.dim = dim;
    this.clustered = kind.equals("clustered");
    SplittableRandom random = new SplittableRandom(seed);
    centres = new float[clustered ? CLUSTERS : 0][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) gaussian(random);
      }
    }
  }

  float[] next(SplittableRandom random) {
    float[] v = new float[dim];
    float[] centre = clustered ? centres[random.nextInt(CLUSTERS)] : null;
    for (int j = 0; j < dim; j++) {
      double noise = gaussian(random);
      v[j] = (float) (centre == null ? noise : centre[j] + noise / 3);
    }
    return v;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    double w = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
  }
}

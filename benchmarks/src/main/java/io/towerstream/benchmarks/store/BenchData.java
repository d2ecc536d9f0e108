package io.towerstream.benchmarks.store;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import java.util.SplittableRandom;

/**
 * The benchmark's seeded draws for one catalog: the items, then the query pool, then (from a stream
 * of its own) the updates of the churn phase. Two instances made with the same arguments yield the
 * same vectors in the same order, so every side of a comparison loads, queries and updates the same
 * data.
 */
final class BenchData {
  private static final long CHURN_SALT = 0x5DEECE66DL;
  private final VectorSource source;
  private final SplittableRandom random;
  private final double biasScale;

  private BenchData(VectorSource source, SplittableRandom random, double biasScale) {
    this.source = source;
    this.random = random;
    this.biasScale = biasScale;
  }

  /** The draws of a catalog of {@code size} items: {@link #item} for each, then {@link #query}. */
  static BenchData catalog(BenchOptions o, String data, int size) {
    return new BenchData(
        new VectorSource(data, o.dim(), o.seed()),
        new SplittableRandom(o.seed() * 31 + size),
        o.biasScale());
  }

  /** The churn phase's draws for the same catalog: {@link #update} for each update. */
  static BenchData churn(BenchOptions o, String data, int size) {
    return new BenchData(
        new VectorSource(data, o.dim(), o.seed()),
        new SplittableRandom((o.seed() * 31 + size) ^ CHURN_SALT),
        o.biasScale());
  }

  /** The next item of the initial load, numbered {@code item}. */
  ItemUpdate item(int item) {
    float[] vector = source.next(random);
    return new ItemUpdate(item, vector, bias());
  }

  /** The next query vector. */
  float[] query() {
    return source.next(random);
  }

  /** A new vector and bias for a random one of the catalog's {@code items} items. */
  ItemUpdate update(int items) {
    int item = random.nextInt(items);
    float[] vector = source.next(random);
    return new ItemUpdate(item, vector, bias());
  }

  /** A Gaussian bias of standard deviation {@code --bias-scale} (0: none, and no random draw). */
  private float bias() {
    if (biasScale == 0) {
      return 0f;
    }
    double u = 1 - random.nextDouble();
    double w = random.nextDouble();
    return (float) (biasScale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w));
  }
}

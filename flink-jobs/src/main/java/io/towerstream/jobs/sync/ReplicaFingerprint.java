package io.towerstream.jobs.sync;

import io.towerstream.model.ItemChangeFeed;
import io.towerstream.model.OnlineModel;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One number that says what a trainer replica holds of the items: the sum over every item of its
 * served vector projected on a pseudo-random direction of its own (a function of the item id
 * alone). Replicas that hold the same item vectors have the same fingerprint, up to float rounding
 * (they add the same changes in another order); a delta applied twice, or never, moves the items it
 * touched, and the fingerprint with them. Replicas agree only once every delta has arrived, so
 * compare the fingerprints of a quiet job.
 *
 * <p>Kept up to date from an item change feed: an update recomputes the items changed since the
 * previous one (all of them when the tower weights moved). Not thread-safe: the trainer's task
 * thread calls it.
 */
public final class ReplicaFingerprint {
  private final ItemChangeFeed feed;
  private final Map<String, Double> terms = new HashMap<>();

  /** Follows {@code model} from now on; the first {@link #update} takes in every item it holds. */
  public ReplicaFingerprint(OnlineModel model) {
    this.feed = model.itemChangeFeedFromAll();
  }

  /** Takes in the items changed since the previous call; returns the fingerprint of all items. */
  public double update() {
    feed.drain((kind, id, vector, bias) -> terms.put(id, term(id, vector)), terms::remove);
    double sum = 0;
    for (double t : terms.values()) {
      sum += t;
    }
    return sum;
  }

  /**
   * An item's share: its vector on a direction drawn uniformly from [-1, 1]^dim, seeded by its id.
   */
  static double term(String itemId, float[] vector) {
    SplittableRandom direction = new SplittableRandom(itemId.hashCode() * 0x9E3779B97F4A7C15L);
    double sum = 0;
    for (float v : vector) {
      sum += v * (2 * direction.nextDouble() - 1);
    }
    return sum;
  }
}

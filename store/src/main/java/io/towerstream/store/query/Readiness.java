package io.towerstream.store.query;

/**
 * Whether a replica should take traffic, as {@code /ready} answers it: ready once it has caught up
 * with the topics and while RocksDB takes its writes.
 *
 * @param ready whether to route queries here
 * @param consumerLag the records still to consume before the first catch-up, else 0
 * @param reason why not, in words without paths or class names; null when ready
 */
public record Readiness(boolean ready, long consumerLag, String reason) {

  /** Caught up, and RocksDB takes writes. */
  public static final Readiness CAUGHT_UP = new Readiness(true, 0, null);

  /** Ready when {@code lag} is 0, else still catching up. */
  public static Readiness ofLag(long lag) {
    return lag == 0 ? CAUGHT_UP : new Readiness(false, lag, "catching up with the topics");
  }

  /** Not ready because RocksDB refuses writes, so the replica would silently fall behind. */
  public static Readiness storeNotWritable(long lag, String why) {
    return new Readiness(false, lag, "the store cannot write: " + why);
  }
}

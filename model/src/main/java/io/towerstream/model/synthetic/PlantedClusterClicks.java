package io.towerstream.model.synthetic;

import io.towerstream.model.Interaction;
import io.towerstream.model.random.Draws;
import io.towerstream.model.random.SeededRandom;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A seeded click stream with planted structure, for demos and for tests that a model learns
 * something. Users and items are spread evenly over {@code clusters} at random. Each click picks a
 * uniformly random user; with probability {@code inClusterProbability} the item comes from the
 * user's own cluster, otherwise from a uniformly random cluster (possibly the user's own); within a
 * cluster items follow a Zipf law of exponent {@code zipfExponent} (rank r has weight {@code
 * 1/(r+1)^s}). Timestamps increase by {@code stepMillis}.
 *
 * <p>The stream is generated lazily: memory is O(users + items), never O(events), so 100k users ×
 * 50k items × millions of events is fine. Every {@link #iterator()} replays the same stream. Ids
 * are {@code "u<index>"} and {@code "i<index>"}.
 */
public final class PlantedClusterClicks implements Iterable<Interaction> {
  private final int users;
  private final int items;
  private final int clusters;
  private final long events;
  private final double inClusterProbability;
  private final long seed;
  private final long startMillis;
  private final long stepMillis;
  private final int[] userCluster;
  private final int[] itemCluster;
  private final int[][] clusterItems;
  private final double[][] clusterCumulative;

  private PlantedClusterClicks(Builder b) {
    if (b.users < 1 || b.items < b.clusters || b.clusters < 1 || b.events < 0) {
      throw new IllegalArgumentException(
          "need users ≥ 1, clusters ≥ 1, items ≥ clusters, events ≥ 0");
    }
    if (!(b.inClusterProbability >= 0 && b.inClusterProbability <= 1) || !(b.zipfExponent >= 0)) {
      throw new IllegalArgumentException(
          "in-cluster probability must be in [0, 1] and the Zipf exponent ≥ 0");
    }
    this.users = b.users;
    this.items = b.items;
    this.clusters = b.clusters;
    this.events = b.events;
    this.inClusterProbability = b.inClusterProbability;
    this.seed = b.seed;
    this.startMillis = b.startMillis;
    this.stepMillis = b.stepMillis;
    SeededRandom layout = new SeededRandom(seed ^ 0x5DEECE66DL);
    this.userCluster = balancedAssignment(users, clusters, layout);
    this.itemCluster = balancedAssignment(items, clusters, layout);
    this.clusterItems = new int[clusters][];
    this.clusterCumulative = new double[clusters][];
    int[] fill = new int[clusters];
    for (int i = 0; i < items; i++) {
      fill[itemCluster[i]]++;
    }
    for (int k = 0; k < clusters; k++) {
      clusterItems[k] = new int[fill[k]];
      clusterCumulative[k] = new double[fill[k]];
      fill[k] = 0;
    }
    for (int i = 0; i < items; i++) {
      int k = itemCluster[i];
      clusterItems[k][fill[k]++] =
          i; // rank within a cluster follows the item index: low index = popular
    }
    for (int k = 0; k < clusters; k++) {
      double sum = 0;
      for (int r = 0; r < clusterItems[k].length; r++) {
        sum += 1.0 / Math.pow(r + 1, b.zipfExponent);
        clusterCumulative[k][r] = sum;
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public int users() {
    return users;
  }

  public int items() {
    return items;
  }

  public int clusters() {
    return clusters;
  }

  public long events() {
    return events;
  }

  public int clusterOfUser(int user) {
    return userCluster[user];
  }

  public int clusterOfItem(int item) {
    return itemCluster[item];
  }

  /**
   * The probability that the user's next click is the item, as this generator draws it: the best
   * any model could rank by (the stream has no other structure).
   */
  public double nextClickProbability(int user, int item) {
    int c = itemCluster[item];
    double[] cum = clusterCumulative[c];
    int rank = java.util.Arrays.binarySearch(clusterItems[c], item);
    double within = (cum[rank] - (rank == 0 ? 0 : cum[rank - 1])) / cum[cum.length - 1];
    double cluster =
        (c == userCluster[user] ? inClusterProbability : 0) + (1 - inClusterProbability) / clusters;
    return cluster * within;
  }

  public static String userId(int user) {
    return "u" + user;
  }

  public static String itemId(int item) {
    return "i" + item;
  }

  /** The index in an id made by {@link #userId} or {@link #itemId}. */
  public static int indexOf(String id) {
    return Integer.parseInt(id, 1, id.length(), 10);
  }

  @Override
  public Iterator<Interaction> iterator() {
    SeededRandom random = new SeededRandom(seed);
    return new Iterator<>() {
      private long emitted;

      @Override
      public boolean hasNext() {
        return emitted < events;
      }

      @Override
      public Interaction next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int user = random.nextInt(users);
        int cluster =
            random.nextDouble() < inClusterProbability
                ? userCluster[user]
                : random.nextInt(clusters);
        int item = zipfItem(cluster, random);
        return new Interaction(
            userId(user), itemId(item), 1f, startMillis + stepMillis * emitted++);
      }
    };
  }

  private int zipfItem(int cluster, SeededRandom random) {
    return clusterItems[cluster][Draws.weighted(clusterCumulative[cluster], random)];
  }

  /** Cluster {@code i mod clusters} for each index, then shuffled: sizes differ by at most one. */
  private static int[] balancedAssignment(int n, int clusters, SeededRandom random) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i % clusters;
    }
    return Draws.shuffle(a, random);
  }

  /** Parameters with defaults for a small demo. */
  public static final class Builder {
    private int users = 1_000;
    private int items = 1_000;
    private int clusters = 10;
    private long events = 100_000;
    private double inClusterProbability = 0.8;
    private double zipfExponent = 1.0;
    private long seed = 7L;
    private long startMillis = 1_700_000_000_000L;
    private long stepMillis = 1_000L;

    public Builder users(int v) {
      users = v;
      return this;
    }

    public Builder items(int v) {
      items = v;
      return this;
    }

    public Builder clusters(int v) {
      clusters = v;
      return this;
    }

    public Builder events(long v) {
      events = v;
      return this;
    }

    /** Probability that a click stays in the user's cluster; default 0.8. */
    public Builder inClusterProbability(double v) {
      inClusterProbability = v;
      return this;
    }

    /** Zipf exponent of item popularity within a cluster; default 1. */
    public Builder zipfExponent(double v) {
      zipfExponent = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    /** Event time of the first click; default 2023-11-14T22:13:20Z. */
    public Builder startMillis(long v) {
      startMillis = v;
      return this;
    }

    /** Event-time step between clicks; default 1 s. */
    public Builder stepMillis(long v) {
      stepMillis = v;
      return this;
    }

    public PlantedClusterClicks build() {
      return new PlantedClusterClicks(this);
    }
  }
}

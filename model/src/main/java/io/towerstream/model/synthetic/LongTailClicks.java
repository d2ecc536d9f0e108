package io.towerstream.model.synthetic;

import io.towerstream.model.Interaction;
import io.towerstream.model.random.Draws;
import io.towerstream.model.random.SeededRandom;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A seeded sparse click stream over a long-tail catalogue, with planted item-item structure: the
 * kind of stream where a handful of clicks per item must suffice.
 *
 * <ul>
 *   <li>Items have a global popularity that follows a Zipf law ({@code itemZipf}: the item of
 *       popularity rank r has weight {@code 1/(r+1)^s}), and belong to small topics at random, so
 *       every topic mixes head and tail items.
 *   <li>Users differ in activity by a Zipf law too ({@code userZipf}), and each has {@code
 *       interests} topics, drawn by the topics' popularity.
 *   <li>A click picks a user by activity. With {@code stayProbability} it stays in the topic of the
 *       user's previous click (the item-item structure: what follows an item is its topic
 *       neighbours), otherwise it goes to one of the user's interests, or with {@code
 *       exploreProbability} to any topic by popularity. Within the topic the item follows the
 *       global popularity, among the items the user has not clicked (a catalogue consumed once, as
 *       MovieLens's); a user who has clicked the whole topic moves on.
 * </ul>
 *
 * <p>The defaults (12,000 items in 300 topics, 6,000 users, 60,000 clicks) click about 10,800 of
 * the items, 5.6 times on average with a median of 3 (the head item about a thousand times), and
 * give users 10 clicks on average with a few heavy users. On them, the next click is about as
 * predictable from popularity as from one pass of the towers, and EASE is well ahead of both: the
 * shape of sparse catalogues where sample efficiency decides. Lazy: memory is O(users + items +
 * clicks of the current iteration's users), and every {@link #iterator()} replays the same stream.
 * Ids are {@code "u<index>"} and {@code "i<index>"}, as {@link PlantedClusterClicks} makes them.
 */
public final class LongTailClicks implements Iterable<Interaction> {
  private final int users;
  private final int items;
  private final int topics;
  private final long events;
  private final int interests;
  private final double stayProbability;
  private final double exploreProbability;
  private final long seed;
  private final long startMillis;
  private final long stepMillis;
  private final double[] itemWeight;
  private final int[] itemTopic;
  private final int[][] topicItems;
  private final double[][] topicCumulative;
  private final double[] topicPopularityCumulative;
  private final double[] userActivityCumulative;
  private final int[][] userInterests;

  private LongTailClicks(Builder b) {
    if (b.users < 1 || b.topics < 1 || b.items < b.topics || b.events < 0 || b.interests < 1) {
      throw new IllegalArgumentException(
          "need users ≥ 1, topics ≥ 1, items ≥ topics, events ≥ 0, interests ≥ 1");
    }
    if (!(b.stayProbability >= 0 && b.exploreProbability >= 0)
        || !(b.stayProbability + b.exploreProbability <= 1)
        || !(b.itemZipf >= 0 && b.userZipf >= 0)) {
      throw new IllegalArgumentException(
          "stay and explore probabilities must be in [0, 1] with a sum ≤ 1, Zipf exponents ≥ 0");
    }
    this.users = b.users;
    this.items = b.items;
    this.topics = b.topics;
    this.events = b.events;
    this.interests = b.interests;
    this.stayProbability = b.stayProbability;
    this.exploreProbability = b.exploreProbability;
    this.seed = b.seed;
    this.startMillis = b.startMillis;
    this.stepMillis = b.stepMillis;
    SeededRandom layout = new SeededRandom(seed ^ 0x1A7E_7A11L);
    // item i has popularity rank perm[i]: ids carry no hint of popularity
    int[] itemRank = permutation(items, layout);
    this.itemWeight = new double[items];
    for (int i = 0; i < items; i++) {
      itemWeight[i] = 1.0 / Math.pow(itemRank[i] + 1, b.itemZipf);
    }
    this.itemTopic = new int[items];
    int[] size = new int[topics];
    int[] order = permutation(items, layout);
    for (int i = 0; i < items; i++) {
      itemTopic[order[i]] = i % topics; // sizes differ by at most one
      size[i % topics]++;
    }
    this.topicItems = new int[topics][];
    this.topicCumulative = new double[topics][];
    for (int t = 0; t < topics; t++) {
      topicItems[t] = new int[size[t]];
      topicCumulative[t] = new double[size[t]];
      size[t] = 0;
    }
    for (int i = 0; i < items; i++) {
      int t = itemTopic[i];
      topicItems[t][size[t]++] = i;
    }
    this.topicPopularityCumulative = new double[topics];
    double total = 0;
    for (int t = 0; t < topics; t++) {
      double sum = 0;
      for (int k = 0; k < topicItems[t].length; k++) {
        sum += itemWeight[topicItems[t][k]];
        topicCumulative[t][k] = sum;
      }
      total += sum;
      topicPopularityCumulative[t] = total;
    }
    int[] userRank = permutation(users, layout);
    this.userActivityCumulative = new double[users];
    double activity = 0;
    for (int u = 0; u < users; u++) {
      activity += 1.0 / Math.pow(userRank[u] + 1, b.userZipf);
      userActivityCumulative[u] = activity;
    }
    this.userInterests = new int[users][interests];
    for (int u = 0; u < users; u++) {
      for (int k = 0; k < interests; k++) {
        userInterests[u][k] = draw(topicPopularityCumulative, layout);
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

  public int topics() {
    return topics;
  }

  public long events() {
    return events;
  }

  public int topicOfItem(int item) {
    return itemTopic[item];
  }

  /**
   * The probability of each item being the user's next click, as this generator draws it given the
   * user's previous click ({@code lastItem}, −1 for none) and the items the user has clicked
   * ({@code seen}): the best any model could rank by. Approximate only where the generator retries
   * a draw that hit a clicked item. A fresh array over all items.
   */
  public double[] nextClickProbabilities(
      int user, int lastItem, java.util.function.IntPredicate seen) {
    double[] topicShare = new double[topics];
    double totalPopularity = topicPopularityCumulative[topics - 1];
    double explore =
        lastItem >= 0 ? exploreProbability : exploreProbability / (1 - stayProbability);
    double interest = lastItem >= 0 ? 1 - stayProbability - exploreProbability : 1 - explore;
    for (int t = 0; t < topics; t++) {
      double pop = topicPopularityCumulative[t] - (t == 0 ? 0 : topicPopularityCumulative[t - 1]);
      topicShare[t] = explore * pop / totalPopularity;
    }
    for (int t : userInterests[user]) {
      topicShare[t] += interest / interests;
    }
    if (lastItem >= 0) {
      topicShare[itemTopic[lastItem]] += stayProbability;
    }
    double[] unseenMass = new double[topics];
    for (int i = 0; i < items; i++) {
      if (!seen.test(i)) {
        unseenMass[itemTopic[i]] += itemWeight[i];
      }
    }
    double[] p = new double[items];
    for (int i = 0; i < items; i++) {
      int t = itemTopic[i];
      p[i] = seen.test(i) || unseenMass[t] == 0 ? 0 : topicShare[t] * itemWeight[i] / unseenMass[t];
    }
    return p;
  }

  @Override
  public Iterator<Interaction> iterator() {
    SeededRandom random = new SeededRandom(seed);
    int[] lastTopic = new int[users];
    java.util.Arrays.fill(lastTopic, -1);
    @SuppressWarnings("unchecked")
    Set<Integer>[] clicked = new Set[users];
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
        int user = draw(userActivityCumulative, random);
        Set<Integer> seen = clicked[user];
        if (seen == null) {
          seen = clicked[user] = new HashSet<>();
        }
        int item = -1;
        for (int attempt = 0; attempt < 8 && item < 0; attempt++) {
          item = unseenItem(topicFor(user, lastTopic[user], attempt, random), seen, random);
        }
        if (item < 0) { // every topic tried was used up: any item the user has not clicked
          do {
            item = random.nextInt(items);
          } while (seen.contains(item) && seen.size() < items);
        }
        seen.add(item);
        lastTopic[user] = itemTopic[item];
        return new Interaction(
            PlantedClusterClicks.userId(user),
            PlantedClusterClicks.itemId(item),
            1f,
            startMillis + stepMillis * emitted++);
      }
    };
  }

  /** The topic of the next click; after a first failed attempt the user does not stay. */
  private int topicFor(int user, int last, int attempt, SeededRandom random) {
    double r = random.nextDouble();
    if (last >= 0 && attempt == 0 && r < stayProbability) {
      return last;
    }
    if (random.nextDouble() < exploreProbability / (1 - stayProbability + 1e-12)) {
      return draw(topicPopularityCumulative, random);
    }
    return userInterests[user][random.nextInt(interests)];
  }

  /** An item of {@code topic} by popularity that the user has not clicked, or −1 after retries. */
  private int unseenItem(int topic, Set<Integer> seen, SeededRandom random) {
    for (int attempt = 0; attempt < 16; attempt++) {
      int item = topicItems[topic][draw(topicCumulative[topic], random)];
      if (!seen.contains(item)) {
        return item;
      }
    }
    return -1;
  }

  private static int draw(double[] cumulative, SeededRandom random) {
    return Draws.weighted(cumulative, random);
  }

  private static int[] permutation(int n, SeededRandom random) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return Draws.shuffle(a, random);
  }

  /** Parameters with the defaults of the sparse long-tail evaluation set. */
  public static final class Builder {
    private int users = 6_000;
    private int items = 12_000;
    private int topics = 300;
    private long events = 60_000;
    private int interests = 3;
    private double stayProbability = 0.3;
    private double exploreProbability = 0.3;
    private double itemZipf = 0.8;
    private double userZipf = 0.6;
    private long seed = 11L;
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

    /** Topics the items are spread over (the planted item-item structure); default 300. */
    public Builder topics(int v) {
      topics = v;
      return this;
    }

    public Builder events(long v) {
      events = v;
      return this;
    }

    /** Topics each user comes back to; default 3. */
    public Builder interests(int v) {
      interests = v;
      return this;
    }

    /** Probability that a click stays in the topic of the user's previous click; default 0.3. */
    public Builder stayProbability(double v) {
      stayProbability = v;
      return this;
    }

    /** Probability that a click goes to any topic, by popularity; default 0.3. */
    public Builder exploreProbability(double v) {
      exploreProbability = v;
      return this;
    }

    /** Zipf exponent of global item popularity; default 0.8. */
    public Builder itemZipf(double v) {
      itemZipf = v;
      return this;
    }

    /** Zipf exponent of user activity; default 0.6. */
    public Builder userZipf(double v) {
      userZipf = v;
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

    public LongTailClicks build() {
      return new LongTailClicks(this);
    }
  }
}

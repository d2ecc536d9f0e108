package io.towerstream.store.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The graph index against the exact one: recall, exact scores, churn, removal, model versions. */
class GraphItemIndexTest {
  private static final int DIM = 16;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static GraphIndexOptions graphFromTheStart() {
    return GraphIndexOptions.defaults()
        .withMinGraphItems(0)
        .withGraph(16, 64, 3f)
        .withMerge(64, Duration.ZERO)
        .withBuildThreads(2);
  }

  @Test
  void recallAgainstExactSearchOnRandomVectors() throws Exception {
    assertRecall(new Random(11), false);
  }

  @Test
  void recallAgainstExactSearchOnClusteredVectors() throws Exception {
    assertRecall(new Random(12), true);
  }

  private void assertRecall(Random random, boolean clustered) throws Exception {
    Map<String, ItemVector> items = vectors(random, 5000, clustered, 1);
    // the shipped graph tuning (degree, beams), only the build threads and thresholds differ; one
    // build thread, because a parallel build inserts in a different order on every run and its
    // recall moves with it
    GraphIndexOptions shipped =
        GraphIndexOptions.defaults().withMinGraphItems(0).withBuildThreads(1);
    try (GraphItemIndex graph = new GraphItemIndex(shipped)) {
      ExactItemIndex exact = new ExactItemIndex();
      graph.upsertAll(items);
      exact.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      IndexStats stats = graph.stats();
      assertThat(stats.graphItems()).as("every item answered from the graph").isEqualTo(5000);
      assertThat(stats.deltaItems()).isZero();

      double recall = 0;
      int queries = 50;
      for (int q = 0; q < queries; q++) {
        float[] query = vector(random, clustered, random.nextInt(20));
        List<ScoredItem> approx = graph.topK(query, 10, Set.of());
        List<ScoredItem> truth = exact.topK(query, 10, Set.of());
        recall += overlap(approx, truth) / 10.0;
        assertScoresAreExact(exact, query, approx);
      }
      // Deterministic with one build thread (0.86 on the clustered set, whose near-identical
      // members make the exact top-10 a matter of tiny differences); a broken graph (wrong
      // similarity, lost neighbours) falls far below. The 1M benchmark, not this test, measures
      // recall against the 0.95 target.
      assertThat(recall / queries).as("recall@10").isGreaterThanOrEqualTo(0.8);
    }
  }

  @Test
  void biasedScoresAreExactAndRecallHoldsForBothScorings() throws Exception {
    // biases far from 0 on average (every score negative) and ten times wider than the dot products
    // within a cluster: the graph must neither drop negative scores nor lose either ranking. One
    // build thread, so the graph, and the recall, are the same on every run
    Random random = new Random(13);
    Map<String, ItemVector> items = withBiases(vectors(random, 5000, true, 1), random, -3.0, 0.3);
    GraphIndexOptions shipped =
        GraphIndexOptions.defaults().withMinGraphItems(0).withBuildThreads(1);
    try (GraphItemIndex graph = new GraphItemIndex(shipped)) {
      ExactItemIndex exact = new ExactItemIndex();
      graph.upsertAll(items);
      exact.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      assertThat(graph.stats().graphItems()).isEqualTo(5000);
      for (Scoring scoring : Scoring.values()) {
        double recall = 0;
        int queries = 100;
        for (int q = 0; q < queries; q++) {
          float[] query = vector(random, true, random.nextInt(20));
          List<ScoredItem> approx =
              graph.topK(query, 10, Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring);
          List<ScoredItem> truth =
              exact.topK(query, 10, Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring);
          assertThat(approx).hasSize(10);
          recall += overlap(approx, truth) / 10.0;
          assertScoresAreExact(exact, query, approx, scoring);
        }
        assertThat(recall / queries).as("recall@10 by " + scoring).isGreaterThanOrEqualTo(0.9);
      }
    }
  }

  @Test
  void aChangedBiasAloneIsAnsweredAtOnceWithTheNewBias() throws Exception {
    Random random = new Random(14);
    Map<String, ItemVector> items = vectors(random, 2000, true, 1);
    try (GraphItemIndex graph =
        new GraphItemIndex(graphFromTheStart().withMerge(100_000, Duration.ofHours(1)))) {
      graph.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      float[] query = vector(random, true, 0);
      ItemVector same = items.get("i5");
      graph.upsert(
          "i5", same.vector(), 1, 10f); // same vector, a bias that puts it first for any query

      List<ScoredItem> top = graph.topK(query, 3, Set.of());
      float dot =
          VectorMath.dot(VectorMath.normalized(query), VectorMath.normalized(same.vector()));
      assertThat(top.get(0)).isEqualTo(new ScoredItem("i5", dot + 10f, 10f));
      assertThat(graph.stats().deltaItems()).as("answered from the delta").isEqualTo(1);
      assertThat(graph.topK(query, 3, Set.of(), ItemIndex.ANY_MODEL_VERSION, Scoring.DOT))
          .extracting(ScoredItem::itemId)
          .doesNotContain("i5")
          .hasSize(3)
          .as("the bias does not enter the dot-product ranking");
    }
  }

  private static Map<String, ItemVector> withBiases(
      Map<String, ItemVector> items, Random random, double mean, double std) {
    Map<String, ItemVector> out = new LinkedHashMap<>();
    items.forEach(
        (id, v) ->
            out.put(
                id,
                new ItemVector(
                    v.vector(), v.modelVersion(), (float) (mean + std * random.nextGaussian()))));
    return out;
  }

  @Test
  void smallCatalogsInAutoModeAreAnsweredExactly() {
    Random random = new Random(3);
    Map<String, ItemVector> items = vectors(random, 800, false, 1);
    try (GraphItemIndex graph =
        new GraphItemIndex(GraphIndexOptions.defaults().withMinGraphItems(1000))) {
      ExactItemIndex exact = new ExactItemIndex();
      graph.upsertAll(items);
      exact.upsertAll(items);
      for (int q = 0; q < 20; q++) {
        float[] query = vector(random, false, 0);
        assertThat(graph.topK(query, 25, Set.of("i3", "i7")))
            .isEqualTo(exact.topK(query, 25, Set.of("i3", "i7")));
      }
      assertThat(graph.stats().graphNodes()).isZero();
    }
  }

  @Test
  void updatedItemsAreAnsweredFromTheDeltaWithTheirNewVectorUntilMerged() throws Exception {
    Random random = new Random(5);
    Map<String, ItemVector> items = vectors(random, 2000, false, 1);
    GraphIndexOptions noMerges = graphFromTheStart().withMerge(1_000_000, Duration.ofHours(1));
    try (GraphItemIndex graph = new GraphItemIndex(noMerges)) {
      graph.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      float[] query = vector(random, false, 0);
      String best = graph.topK(query, 1, Set.of()).get(0).itemId();

      // the best item turns away from the query, another item turns exactly to it
      graph.upsert(best, negate(query), 1);
      graph.upsert("i42", query, 1);

      assertThat(graph.stats().deltaItems()).isEqualTo(2);
      List<ScoredItem> top = graph.topK(query, 2000, Set.of());
      assertThat(top.get(0))
          .isEqualTo(
              new ScoredItem(
                  "i42",
                  VectorMath.dot(VectorMath.normalized(query), VectorMath.normalized(query))));
      assertThat(top).extracting(ScoredItem::itemId).doesNotHaveDuplicates().hasSize(2000);
      assertThat(top.get(top.size() - 1).itemId())
          .as("its new vector scores lowest")
          .isEqualTo(best);
    }
  }

  @Test
  void removedItemsAreNeverReturnedAndAnEmptiedIndexTakesANewDimension() throws Exception {
    Random random = new Random(6);
    Map<String, ItemVector> items = vectors(random, 1000, false, 1);
    try (GraphItemIndex graph = new GraphItemIndex(graphFromTheStart())) {
      graph.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      Set<String> removed = new HashSet<>();
      for (int i = 0; i < 1000; i += 3) {
        removed.add("i" + i);
      }
      graph.update(removed, Map.of());
      assertThat(graph.size()).isEqualTo(1000 - removed.size());
      for (int q = 0; q < 20; q++) {
        assertThat(graph.topK(vector(random, false, 0), 100, Set.of()))
            .extracting(ScoredItem::itemId)
            .doesNotContainAnyElementsOf(removed);
      }
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      assertThat(graph.topK(vector(random, false, 0), 1000, Set.of()))
          .hasSize(1000 - removed.size());

      graph.update(items.keySet(), Map.of());
      assertThat(graph.size()).isZero();
      assertThat(graph.dimension()).isZero();
      graph.upsert("x", new float[] {1, 2, 3}, 2);
      assertThat(graph.dimension()).isEqualTo(3);
      assertThatThrownBy(() -> graph.upsert("y", new float[] {1, 2}, 2))
          .hasMessageContaining("dimension 2");
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      assertThat(graph.topK(new float[] {1, 2, 3}, 5, Set.of()))
          .extracting(ScoredItem::itemId)
          .containsExactly("x");
    }
  }

  @Test
  void modelVersionFilterAndExclusionApplyToGraphAndDeltaAlike() throws Exception {
    Random random = new Random(8);
    Map<String, ItemVector> items = new LinkedHashMap<>();
    for (int i = 0; i < 1500; i++) {
      items.put("i" + i, new ItemVector(vector(random, false, 0), i % 3 == 0 ? 2 : 1));
    }
    try (GraphItemIndex graph = new GraphItemIndex(graphFromTheStart())) {
      graph.upsertAll(items);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      graph.upsert("fresh", vector(random, false, 0), 2); // in the delta
      assertThat(graph.modelVersions()).containsEntry(2L, 501L).containsEntry(1L, 1000L);
      assertThat(graph.newestModelVersion()).isEqualTo(2);

      float[] query = vector(random, false, 0);
      List<ScoredItem> v2 = graph.topK(query, 1000, Set.of(), 2);
      assertThat(v2)
          .hasSizeGreaterThan(400)
          .allSatisfy(
              s ->
                  assertThat(
                          s.itemId().equals("fresh")
                              || Integer.parseInt(s.itemId().substring(1)) % 3 == 0)
                      .isTrue());
      Set<String> exclude = Set.of(v2.get(0).itemId(), v2.get(1).itemId(), "fresh");
      assertThat(graph.topK(query, 10, exclude, 2))
          .extracting(ScoredItem::itemId)
          .doesNotContainAnyElementsOf(exclude);
      assertThat(graph.topK(query, 10, Set.of(), 7)).isEmpty();
    }
  }

  /**
   * Readers query while a writer updates, removes and re-adds items and the graph merges and
   * rebuilds underneath. Every result must carry a vector the item had at some moment during the
   * query: the one current when the query started, or one written while it ran.
   */
  @Test
  void neverReturnsAStaleVectorOrScoreUnderConcurrentUpdates() throws Exception {
    int n = 1500;
    Random seed = new Random(21);
    GraphIndexOptions churny =
        graphFromTheStart().withMerge(32, Duration.ZERO).withRebuildStaleRatio(0.3);
    History history = new History();
    try (GraphItemIndex graph = new GraphItemIndex(churny)) {
      Map<String, ItemVector> initial = vectors(seed, n, false, 1);
      initial.forEach((id, v) -> history.record(id, 0, v.vector()));
      graph.upsertAll(initial);
      assertThat(graph.awaitMaintained(WAIT)).isTrue();

      AtomicBoolean done = new AtomicBoolean();
      List<String> failures = new CopyOnWriteArrayList<>();
      AtomicLong queries = new AtomicLong();
      ExecutorService pool = Executors.newFixedThreadPool(3);
      try {
        Future<?> writer =
            pool.submit(
                () -> {
                  Random random = new Random(22);
                  for (int batch = 1; batch <= 600; batch++) {
                    Map<String, ItemVector> upserts = new HashMap<>();
                    for (int j = 0; j < 8; j++) {
                      String id = "i" + random.nextInt(n);
                      upserts.put(id, new ItemVector(vector(random, false, 0), 1));
                    }
                    Set<String> removes = new HashSet<>();
                    String gone = "i" + random.nextInt(n);
                    if (!upserts.containsKey(gone)) {
                      removes.add(gone);
                    }
                    long b = batch;
                    history.started.set(b);
                    upserts.forEach((id, v) -> history.record(id, b, v.vector()));
                    removes.forEach(id -> history.record(id, b, null));
                    graph.update(removes, upserts);
                    history.completed.set(batch);
                    if (batch % 100 == 0) {
                      sleep(20); // let maintenance catch up now and then, so merges and rebuilds
                      // interleave with queries
                    }
                  }
                  done.set(true);
                });
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
          int readerSeed = r;
          readers.add(
              pool.submit(
                  () -> {
                    Random random = new Random(100 + readerSeed);
                    while (!done.get() && failures.size() < 5) {
                      float[] query = vector(random, false, 0);
                      float[] unit = VectorMath.normalized(query);
                      long from = history.completed.get();
                      List<ScoredItem> top = graph.topK(query, 20, Set.of());
                      long to = history.started.get();
                      Set<String> seen = new HashSet<>();
                      for (ScoredItem s : top) {
                        if (!seen.add(s.itemId())) {
                          failures.add("duplicate " + s.itemId());
                        }
                        if (!history
                            .possibleScores(s.itemId(), from, to, unit)
                            .contains(s.score())) {
                          failures.add(
                              s
                                  + " matches no vector the item had between batches "
                                  + from
                                  + " and "
                                  + to);
                        }
                      }
                      queries.incrementAndGet();
                    }
                  }));
        }
        writer.get();
        for (Future<?> reader : readers) {
          reader.get();
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(failures).isEmpty();
      assertThat(queries.get()).isGreaterThan(50);
      IndexStats stats = graph.stats();
      assertThat(stats.merges()).as("merges ran during the test").isPositive();
      assertThat(graph.awaitMaintained(WAIT)).isTrue();
      assertThat(graph.size()).isEqualTo(history.presentCount());
    }
  }

  /** For each item, every vector it had (null: removed) with the writer batch that set it. */
  private static final class History {
    final AtomicLong started = new AtomicLong();
    final AtomicLong completed = new AtomicLong();
    private final Map<String, List<Object[]>> versions = new ConcurrentHashMap<>();

    void record(String id, long batch, float[] vector) {
      versions
          .computeIfAbsent(id, x -> new CopyOnWriteArrayList<>())
          .add(new Object[] {batch, vector == null ? null : VectorMath.normalized(vector)});
    }

    /** Scores of the versions current at batch {@code from} or written in batches (from, to]. */
    Set<Float> possibleScores(String id, long from, long to, float[] unitQuery) {
      Set<Float> scores = new HashSet<>();
      float[] currentAtFrom = null;
      for (Object[] v : versions.getOrDefault(id, List.of())) {
        long batch = (Long) v[0];
        if (batch <= from) {
          currentAtFrom = (float[]) v[1];
        } else if (batch <= to && v[1] != null) {
          scores.add(VectorMath.dot(unitQuery, (float[]) v[1]));
        }
      }
      if (currentAtFrom != null) {
        scores.add(VectorMath.dot(unitQuery, currentAtFrom));
      }
      return scores;
    }

    int presentCount() {
      int count = 0;
      for (List<Object[]> v : versions.values()) {
        if (v.get(v.size() - 1)[1] != null) {
          count++;
        }
      }
      return count;
    }
  }

  private static void assertScoresAreExact(
      ExactItemIndex exact, float[] query, List<ScoredItem> approx) {
    assertScoresAreExact(exact, query, approx, Scoring.DOT_PLUS_BIAS);
  }

  private static void assertScoresAreExact(
      ExactItemIndex exact, float[] query, List<ScoredItem> approx, Scoring scoring) {
    Map<String, ScoredItem> all = new HashMap<>();
    exact
        .topK(query, exact.size(), Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring)
        .forEach(s -> all.put(s.itemId(), s));
    for (ScoredItem s : approx) {
      assertThat(s).as(s.itemId()).isEqualTo(all.get(s.itemId()));
    }
    assertThat(approx).isSortedAccordingTo(ScoredItem.BEST_FIRST);
  }

  private static int overlap(List<ScoredItem> a, List<ScoredItem> b) {
    Set<String> ids = new HashSet<>();
    b.forEach(s -> ids.add(s.itemId()));
    return (int) a.stream().filter(s -> ids.contains(s.itemId())).count();
  }

  private static final float[][] CENTERS = new float[20][DIM];

  static {
    Random random = new Random(77);
    for (float[] c : CENTERS) {
      for (int j = 0; j < DIM; j++) {
        c[j] = (float) random.nextGaussian();
      }
    }
  }

  static Map<String, ItemVector> vectors(Random random, int n, boolean clustered, long version) {
    Map<String, ItemVector> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(
          "i" + i,
          new ItemVector(vector(random, clustered, random.nextInt(CENTERS.length)), version));
    }
    return out;
  }

  static float[] vector(Random random, boolean clustered, int cluster) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] =
          clustered
              ? CENTERS[cluster][j] + 0.25f * (float) random.nextGaussian()
              : (float) random.nextGaussian();
    }
    return v;
  }

  private static float[] negate(float[] v) {
    float[] out = v.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] = -out[i];
    }
    return out;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void aClosedIndexKeepsNothingReachable() throws Exception {
    java.lang.ref.WeakReference<GraphItemIndex> ref = builtSearchedAndClosed();
    for (int i = 0; i < 100 && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    assertThat(ref.get()).as("a closed index is garbage").isNull();
  }

  private static java.lang.ref.WeakReference<GraphItemIndex> builtSearchedAndClosed()
      throws Exception {
    Random random = new Random(11);
    GraphItemIndex graph =
        new GraphItemIndex(GraphIndexOptions.defaults().withMinGraphItems(0).withBuildThreads(2));
    graph.upsertAll(vectors(random, 3000, true, 1));
    assertThat(graph.awaitMaintained(WAIT)).isTrue();
    graph.topK(vector(random, true, 3), 10, Set.of());
    graph.close();
    return new java.lang.ref.WeakReference<>(graph);
  }
}

package io.towerstream.store.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExactItemIndexTest {
  private static final int DIM = 16;

  @Test
  void topKMatchesANaiveSortOfCosineScores() {
    Random random = new Random(42);
    ExactItemIndex index = new ExactItemIndex();
    Map<String, float[]> items = new HashMap<>();
    // more than one slab, so the scan crosses slab boundaries
    for (int i = 0; i < ExactItemIndex.SLAB_ROWS + 1000; i++) {
      float[] v = randomVector(random, DIM, 3.0); // not unit length: the index normalises
      items.put("item-" + i, v);
    }
    index.upsertAll(versioned(items));
    for (int q = 0; q < 20; q++) {
      float[] query = randomVector(random, DIM, 0.1);
      for (int k : new int[] {1, 10, 100}) {
        List<ScoredItem> actual = index.topK(query, k, Set.of());
        List<String> expected = naiveTopK(items, query, k, Set.of());
        // rank by rank the same scores (ids may only swap where float rounding makes a tie)
        assertThat(actual).hasSize(k).extracting(ScoredItem::itemId).doesNotHaveDuplicates();
        for (int i = 0; i < k; i++) {
          ScoredItem s = actual.get(i);
          assertThat(s.score()).isCloseTo(cosine(items.get(s.itemId()), query), within(1e-5f));
          assertThat(s.score()).isCloseTo(cosine(items.get(expected.get(i)), query), within(1e-5f));
        }
      }
    }
  }

  @Test
  void keepingAFewItemsOfManyGivesTheirRoomBackAndStillAnswersExactly() {
    Random random = new Random(8);
    ExactItemIndex index = new ExactItemIndex();
    Map<String, float[]> items = new HashMap<>();
    for (int i = 0; i < 5 * ExactItemIndex.SLAB_ROWS; i++) {
      items.put("item-" + i, randomVector(random, DIM, 1.0));
    }
    index.upsertAll(versioned(items));
    Set<String> kept = Set.of("item-3", "item-1500", "item-4000");
    index.retainOnly(kept);
    assertThat(index.capacity()).isLessThanOrEqualTo(16);
    float[] query = items.get("item-1500");
    assertThat(index.topK(query, 3, Set.of()))
        .extracting(ScoredItem::itemId)
        .containsExactlyElementsOf(naiveTopK(keptOnly(items, kept), query, 3, Set.of()));
    // and it grows again
    Map<String, float[]> more = new HashMap<>(keptOnly(items, kept));
    for (int i = 0; i < 2 * ExactItemIndex.SLAB_ROWS; i++) {
      float[] v = randomVector(random, DIM, 1.0);
      more.put("more-" + i, v);
      index.upsert("more-" + i, v, 0, 0f);
    }
    assertThat(index.size()).isEqualTo(3 + 2 * ExactItemIndex.SLAB_ROWS);
    assertThat(index.topK(query, 10, Set.of()))
        .extracting(ScoredItem::itemId)
        .containsExactlyElementsOf(naiveTopK(more, query, 10, Set.of()));
  }

  private static Map<String, float[]> keptOnly(Map<String, float[]> items, Set<String> kept) {
    Map<String, float[]> out = new HashMap<>();
    kept.forEach(id -> out.put(id, items.get(id)));
    return out;
  }

  @Test
  void ranksByDotPlusBiasByDefaultAndByTheDotAloneOnRequest() {
    ExactItemIndex index = new ExactItemIndex();
    index.upsert("close", axis(DIM, 0), 0, 0f);
    index.upsert("popular", axis(DIM, 1), 0, 2f);
    index.upsert("unpopular", axis(DIM, 0), 0, -1.5f);
    float[] query = axis(DIM, 0);

    List<ScoredItem> biased = index.topK(query, 3, Set.of());
    assertThat(biased)
        .extracting(ScoredItem::itemId)
        .containsExactly("popular", "close", "unpopular");
    assertThat(biased).extracting(ScoredItem::score).containsExactly(2f, 1f, -0.5f);
    assertThat(biased).extracting(ScoredItem::bias).containsExactly(2f, 0f, -1.5f);

    List<ScoredItem> dot = index.topK(query, 3, Set.of(), ItemIndex.ANY_MODEL_VERSION, Scoring.DOT);
    assertThat(dot).extracting(ScoredItem::itemId).containsExactly("close", "unpopular", "popular");
    assertThat(dot).extracting(ScoredItem::score).containsExactly(1f, 1f, 0f);
    assertThat(dot)
        .extracting(ScoredItem::bias)
        .as("the bias is reported either way")
        .containsExactly(0f, -1.5f, 2f);
  }

  @Test
  void aBiasSurvivesTheSlotMoveOfARemovalAndAnUpdateReplacesIt() {
    ExactItemIndex index = new ExactItemIndex();
    index.upsert("a", axis(DIM, 0), 0, 0.5f);
    index.upsert("b", axis(DIM, 1), 0, 0.25f);
    index.remove("a"); // "b" moves into a's slot and must take its own bias along
    assertThat(index.topK(axis(DIM, 1), 1, Set.of()))
        .containsExactly(new ScoredItem("b", 1.25f, 0.25f));
    index.upsert("b", axis(DIM, 1), 0, -1f);
    assertThat(index.topK(axis(DIM, 1), 1, Set.of())).containsExactly(new ScoredItem("b", 0f, -1f));
  }

  @Test
  void excludedItemsNeverAppearAndTheNextBestTakeTheirPlace() {
    Random random = new Random(1);
    ExactItemIndex index = new ExactItemIndex();
    Map<String, float[]> items = new HashMap<>();
    for (int i = 0; i < 500; i++) {
      items.put("i" + i, randomVector(random, DIM, 1));
    }
    index.upsertAll(versioned(items));
    float[] query = randomVector(random, DIM, 1);
    List<String> best = naiveTopK(items, query, 5, Set.of());
    Set<String> exclude = Set.of(best.get(0), best.get(2), "not-in-index");

    List<ScoredItem> actual = index.topK(query, 5, exclude);

    assertThat(actual)
        .extracting(ScoredItem::itemId)
        .doesNotContainAnyElementsOf(exclude)
        .containsExactlyElementsOf(naiveTopK(items, query, 5, exclude));
  }

  @Test
  void upsertReplacesAVectorAndNeverReturnsTheOldScore() {
    ExactItemIndex index = new ExactItemIndex();
    index.upsert("a", new float[] {1, 0});
    index.upsert("b", new float[] {0, 1});
    float[] query = {1, 0};
    assertThat(index.topK(query, 1, Set.of()).get(0).itemId()).isEqualTo("a");

    index.upsert("a", new float[] {-1, 0});

    assertThat(index.size()).isEqualTo(2);
    List<ScoredItem> result = index.topK(query, 2, Set.of());
    assertThat(result).containsExactly(new ScoredItem("b", 0f), new ScoredItem("a", -1f));
  }

  @Test
  void removeFillsTheHoleAndKeepsEveryOtherItemFindable() {
    ExactItemIndex index = new ExactItemIndex();
    for (int i = 0; i < 10; i++) {
      float[] v = new float[10];
      v[i] = 1;
      index.upsert("i" + i, v);
    }
    assertThat(index.remove("i3")).isTrue();
    assertThat(index.remove("i3")).isFalse();
    assertThat(index.size()).isEqualTo(9);
    for (int i = 0; i < 10; i++) {
      float[] q = new float[10];
      q[i] = 1;
      ScoredItem top = index.topK(q, 1, Set.of()).get(0);
      if (i == 3) {
        assertThat(top.score()).isZero();
      } else {
        assertThat(top).isEqualTo(new ScoredItem("i" + i, 1f));
      }
    }
    assertThat(index.topK(new float[10], 100, Set.of())).hasSize(9);
  }

  @Test
  void tiesAreOrderedById() {
    ExactItemIndex index = new ExactItemIndex();
    for (String id : List.of("c", "a", "d", "b")) {
      index.upsert(id, new float[] {1, 1});
    }
    assertThat(index.topK(new float[] {1, 0}, 3, Set.of()))
        .extracting(ScoredItem::itemId)
        .containsExactly("a", "b", "c");
  }

  @Test
  void dimensionIsFixedByTheFirstVectorUntilTheIndexEmpties() {
    ExactItemIndex index = new ExactItemIndex();
    assertThat(index.dimension()).isZero();
    assertThat(index.topK(new float[] {1, 2, 3}, 5, Set.of())).isEmpty();
    index.upsert("a", new float[] {1, 2});
    assertThatThrownBy(() -> index.upsert("b", new float[] {1, 2, 3}))
        .hasMessageContaining("dimension 3");
    assertThatThrownBy(() -> index.topK(new float[] {1}, 5, Set.of()))
        .hasMessageContaining("dimension 1");
    Map<String, float[]> mixed = new LinkedHashMap<>();
    mixed.put("c", new float[] {1, 0});
    mixed.put("d", new float[] {1});
    assertThatThrownBy(() -> index.upsertAll(versioned(mixed)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(index.size()).as("a rejected batch changes nothing").isEqualTo(1);
    assertThatThrownBy(() -> index.topK(new float[] {1, 0}, 0, Set.of()))
        .hasMessageContaining("k must be");

    index.remove("a");
    index.upsert("b", new float[] {1, 2, 3});
    assertThat(index.dimension()).isEqualTo(3);
  }

  @Test
  void readersSeeWholeVectorsWhileAWriterUpdates() throws Exception {
    // every version of every item is a unit vector along one axis, so a torn read would score below
    // 1
    int n = 2000;
    ExactItemIndex index = new ExactItemIndex();
    for (int i = 0; i < n; i++) {
      index.upsert("i" + i, axis(DIM, i % DIM));
    }
    AtomicBoolean done = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> writer =
          pool.submit(
              () -> {
                Random random = new Random(3);
                for (int round = 0; round < 200; round++) {
                  Map<String, float[]> batch = new HashMap<>();
                  for (int j = 0; j < 50; j++) {
                    batch.put("i" + random.nextInt(n), axis(DIM, random.nextInt(DIM)));
                  }
                  index.upsertAll(versioned(batch));
                  index.remove("i" + random.nextInt(n));
                  index.upsert("new" + round, axis(DIM, round % DIM));
                }
                done.set(true);
              });
      Future<?> reader =
          pool.submit(
              () -> {
                int queries = 0;
                while (!done.get() || queries < 10) {
                  float[] q = axis(DIM, queries % DIM);
                  List<ScoredItem> top = index.topK(q, 20, Set.of());
                  assertThat(top).hasSize(20).allSatisfy(s -> assertThat(s.score()).isEqualTo(1f));
                  queries++;
                }
              });
      writer.get();
      reader.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private static float[] axis(int dim, int i) {
    float[] v = new float[dim];
    v[i] = 1;
    return v;
  }

  private static List<String> naiveTopK(
      Map<String, float[]> items, float[] query, int k, Set<String> exclude) {
    List<Map.Entry<String, Float>> scored = new ArrayList<>();
    items.forEach(
        (id, v) -> {
          if (!exclude.contains(id)) {
            scored.add(Map.entry(id, cosine(v, query)));
          }
        });
    scored.sort(
        Map.Entry.<String, Float>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    return scored.stream().limit(k).map(Map.Entry::getKey).toList();
  }

  private static float cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return (float) (dot / Math.sqrt(na * nb));
  }

  private static float[] randomVector(Random random, int dim, double scale) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) (random.nextGaussian() * scale);
    }
    return v;
  }

  static Map<String, ItemVector> versioned(Map<String, float[]> vectors) {
    Map<String, ItemVector> out = new LinkedHashMap<>();
    vectors.forEach((id, v) -> out.put(id, new ItemVector(v, 0)));
    return out;
  }
}

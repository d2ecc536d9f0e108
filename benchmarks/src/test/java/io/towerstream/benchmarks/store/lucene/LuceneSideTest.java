package io.towerstream.benchmarks.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.benchmarks.store.data.ItemUpdate;
import io.towerstream.store.index.ExactItemIndex;
import io.towerstream.store.index.ItemIndex;
import io.towerstream.store.index.ItemVector;
import io.towerstream.store.index.ScoredItem;
import io.towerstream.store.index.Scoring;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LuceneSideTest {
  private static final int ITEMS = 400;
  private static final int DIM = 8;

  @TempDir Path dir;

  /**
   * With biases, Lucene ranks by the store's {@code dot + bias} (and by the dot alone when asked):
   * with a beam as wide as the catalog it returns the exact top-k of either scoring.
   */
  @Test
  void ranksByTheStoresScoresWithAndWithoutBias() throws Exception {
    Random random = new Random(7);
    List<ItemUpdate> items = new ArrayList<>();
    Map<String, ItemVector> exact = new HashMap<>();
    for (int i = 0; i < ITEMS; i++) {
      ItemUpdate u = new ItemUpdate(i, gaussian(random), (float) random.nextGaussian());
      items.add(u);
      exact.put(u.id(), new ItemVector(u.vector(), 1, u.bias()));
    }
    ExactItemIndex truth = new ExactItemIndex();
    truth.upsertAll(exact);
    try (LuceneSide lucene = new LuceneSide(dir, 16, 100, 2, true)) {
      lucene.load(items, 2);
      lucene.open(20);
      for (Scoring scoring : Scoring.values()) {
        for (int q = 0; q < 20; q++) {
          float[] query = gaussian(random);
          List<String> expected =
              ids(truth.topK(query, 10, Set.of(), ItemIndex.ANY_MODEL_VERSION, scoring));
          assertThat(lucene.topIds(query, 10, ITEMS, scoring))
              .as("query %d by %s", q, scoring)
              .containsExactlyInAnyOrderElementsOf(expected);
        }
      }
    }
  }

  /** An update is answered with its new vector once visible, and its old vector is gone. */
  @Test
  void anUpdateBecomesVisibleAfterAReopenAndReplacesTheOldVector() throws Exception {
    Random random = new Random(11);
    List<ItemUpdate> items = new ArrayList<>();
    for (int i = 0; i < ITEMS; i++) {
      items.add(new ItemUpdate(i, gaussian(random), 0f));
    }
    try (LuceneSide lucene = new LuceneSide(dir, 16, 100, 1, false)) {
      lucene.load(items, 1);
      lucene.open(20);
      ItemUpdate moved = new ItemUpdate(5, gaussian(random), 0f);
      lucene.update(List.of(moved));
      lucene.awaitVisible(moved, 50);
      assertThat(lucene.topIds(moved.vector(), 1, 50, Scoring.DOT)).containsExactly("i5");
      List<String> oldNeighbours = lucene.topIds(items.get(5).vector(), 1, 50, Scoring.DOT);
      assertThat(oldNeighbours)
          .as("the old vector's best match is no longer item 5")
          .doesNotContain("i5");
      assertThat(lucene.summary()).contains(ITEMS + " live documents");
      assertThat(lucene.sizeOnDisk()).isGreaterThan((long) ITEMS * DIM * Float.BYTES);
    }
  }

  private static List<String> ids(List<ScoredItem> scored) {
    return scored.stream().map(ScoredItem::itemId).toList();
  }

  private static float[] gaussian(Random random) {
    float[] v = new float[DIM];
    for (int j = 0; j < DIM; j++) {
      v[j] = (float) random.nextGaussian();
    }
    return v;
  }
}

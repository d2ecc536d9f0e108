package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.tables.BatchLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Item–item views: pairs of items one user clicked close together, as extra positives. */
class ItemPairsTest {
  private static ModelConfig config(double weight) {
    return ModelConfig.builder()
        .dim(16)
        .batchSize(16)
        .reservoirNegatives(8)
        .reservoirCapacity(100)
        .seed(4)
        .itemPairsWeight(weight)
        .build();
  }

  @Test
  void anchorsAreTheLatestDistinctEarlierClicksOtherThanTheEventsOwnItem() {
    TwoTowerModel model = new TwoTowerModel(config(0));
    for (String item : new String[] {"a", "b", "c", "a"}) {
      model.train(List.of(new Interaction("u", item), new Interaction("v", "e")));
    }
    // u's history, oldest first: a b c a. An event of u on b, then one on c after an earlier e in
    // this batch; v's only earlier click is its own item; w has none.
    List<Interaction> batch =
        List.of(
            new Interaction("u", "b"),
            new Interaction("v", "e"),
            new Interaction("w", "a"),
            new Interaction("u", "e"),
            new Interaction("u", "c"));
    assertThat(anchors(model, batch, 3))
        .containsExactly("0:a", "0:c", "3:b", "3:a", "3:c", "4:e", "4:b", "4:a");
    assertThat(anchors(model, batch, 1)).containsExactly("0:a", "3:b", "4:e");
  }

  @Test
  void weightZeroTrainsExactlyAsWithoutTheOption() {
    TwoTowerModel plain = new TwoTowerModel(config(0));
    TwoTowerModel off =
        new TwoTowerModel(
            config(0).toBuilder().itemPairsWindow(2).itemPairsTemperature(0.5).build());
    List<List<Interaction>> batches = TestStreams.batches(30, 50, 16, 20, 2);
    for (List<Interaction> batch : batches) {
      assertThat(off.train(batch).loss()).isEqualTo(plain.train(batch).loss());
    }
    for (int i = 0; i < 50; i++) {
      assertThat(off.itemVector("i" + i)).isEqualTo(plain.itemVector("i" + i));
    }
  }

  @Test
  void theSameSeedTrainsTheSameModel() {
    ModelConfig c = config(0.5).toBuilder().itemPairsWindow(3).build();
    TwoTowerModel a = new TwoTowerModel(c);
    TwoTowerModel b = new TwoTowerModel(c);
    TwoTowerModel without = new TwoTowerModel(config(0));
    for (List<Interaction> batch : TestStreams.batches(30, 50, 16, 20, 2)) {
      assertThat(a.train(batch).loss()).isEqualTo(b.train(batch).loss());
      without.train(batch);
    }
    assertThat(a.itemVector("i1")).isEqualTo(b.itemVector("i1"));
    assertThat(a.itemVector("i1")).isNotEqualTo(without.itemVector("i1"));
  }

  /**
   * Fresh users each click one item of a planted pair and then its partner, so the main loss sees
   * every pair only through a user whose history is the first item. The views pair the two items
   * directly: partners end up closer than with the main loss alone, relative to non-partners.
   */
  /**
   * Items first trained apart by users of a single click (no earlier click, so no pairs: both
   * models stay identical), then fresh users each click one item of a planted pair and then its
   * partner. The main loss links the two only through a user whose history is the first item; the
   * views pair them directly, so partners end up closer than with the main loss alone (cosine of
   * partners minus non-partners: 0.499 without, 0.553 with, when written).
   */
  @Test
  void coClickedItemsEndUpCloser() {
    double[] without = partnerMargins(0);
    double[] with = partnerMargins(1);
    assertThat(with[0]).as("before any pair: identical").isEqualTo(without[0]);
    assertThat(with[1])
        .as("after the pairs; without views " + without[1])
        .isGreaterThan(without[1] + 0.025);
  }

  @Test
  void optionsAreValidatedNamingThemselves() {
    assertThatThrownBy(() -> ModelConfig.builder().itemPairsWeight(-0.1).build())
        .hasMessageContaining("model.item-pairs.weight");
    assertThatThrownBy(() -> ModelConfig.builder().itemPairsWeight(11).build())
        .hasMessageContaining("model.item-pairs.weight");
    assertThat(ModelConfig.builder().historyLength(0).build().itemPairsWeight())
        .as("no history, no pairs, nothing to reject")
        .isEqualTo(0.3);
    assertThatThrownBy(() -> ModelConfig.builder().itemPairsTemperature(0).build())
        .hasMessageContaining("model.item-pairs.temperature");
    assertThatThrownBy(() -> ModelConfig.builder().itemPairsWindow(0).build())
        .hasMessageContaining("model.item-pairs.window");
  }

  private static final int PAIRS = 24;

  /** cos(partners) − cos(non-partners), before and after three rounds of pair clicks. */
  private static double[] partnerMargins(double weight) {
    TwoTowerModel model = new TwoTowerModel(config(weight));
    Random random = new Random(9);
    for (int round = 0; round < 40; round++) {
      List<Interaction> batch = new ArrayList<>();
      for (int k = 0; k < 16; k++) {
        String item = (random.nextBoolean() ? "a" : "b") + random.nextInt(PAIRS);
        batch.add(new Interaction("once" + round + "-" + k, item));
      }
      model.train(batch);
    }
    double before = margin(model);
    for (int round = 0; round < 3; round++) {
      List<Interaction> first = new ArrayList<>();
      List<Interaction> second = new ArrayList<>();
      for (int k = 0; k < 16; k++) {
        int pair = random.nextInt(PAIRS);
        String user = "u" + round + "-" + k;
        first.add(new Interaction(user, "a" + pair));
        second.add(new Interaction(user, "b" + pair));
      }
      model.train(first);
      model.train(second);
    }
    return new double[] {before, margin(model)};
  }

  private static double margin(TwoTowerModel model) {
    double partners = 0;
    double others = 0;
    for (int k = 0; k < PAIRS; k++) {
      partners += cosine(model.itemVector("a" + k), model.itemVector("b" + k));
      others += cosine(model.itemVector("a" + k), model.itemVector("b" + (k + 1) % PAIRS));
    }
    return (partners - others) / PAIRS;
  }

  private static double cosine(float[] x, float[] y) {
    double dot = 0;
    double nx = 0;
    double ny = 0;
    for (int k = 0; k < x.length; k++) {
      dot += x[k] * y[k];
      nx += x[k] * x[k];
      ny += y[k] * y[k];
    }
    return dot / Math.sqrt(nx * ny);
  }

  /** The step's anchors as {@code "event:item"}, in order. */
  private static List<String> anchors(TwoTowerModel model, List<Interaction> batch, int window) {
    ModelState s = model.state();
    BatchLookup items = new BatchLookup(s.items);
    BatchLookup pooled = new BatchLookup(s.items);
    for (Interaction x : batch) {
      items.add(x.itemId(), s.itemInit);
    }
    int[] offsets =
        new HistoryPlanner(s.users, s.items, s.histories, 50)
            .plan(batch, pooled, null, null, false);
    ItemPairs pairs = ItemPairs.plan(batch.size(), items, pooled, offsets, window);
    List<String> out = new ArrayList<>();
    for (int a = 0; a < pairs.count(); a++) {
      out.add(pairs.event(a) + ":" + items.distinctId(items.distinctOf(pairs.position(a))));
    }
    return out;
  }
}

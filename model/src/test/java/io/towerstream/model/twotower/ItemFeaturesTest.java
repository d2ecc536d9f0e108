package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Side features in the item tower: cold-start vectors, publishing, replicas, snapshots. */
class ItemFeaturesTest {
  private static final int USERS = 400;
  private static final int ITEMS = 400;
  private static final int CLUSTERS = 8;

  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(32)
          .batchSize(64)
          .reservoirNegatives(32)
          .reservoirCapacity(1_000)
          .priorWeight(0)
          .seed(5)
          .build();

  private static PlantedClusterClicks clicks() {
    return PlantedClusterClicks.builder()
        .users(USERS)
        .items(ITEMS)
        .clusters(CLUSTERS)
        .events(40_000)
        .inClusterProbability(0.8)
        .seed(11)
        .build();
  }

  /** Every item's feature: its planted cluster, the one thing a cold item's vector can know. */
  private static List<String> featuresOf(PlantedClusterClicks clicks, int item) {
    return List.of("c:cluster-" + clicks.clusterOfItem(item));
  }

  @Test
  void anItemWithFeaturesAndNoClickIsServedAndPublishedAtTheNextDrain() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    model.train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i2")));
    model.drainChanged((kind, id, v, b) -> {});
    assertThat(model.itemVector("new")).isNull();

    model.setItemFeatures("new", List.of("c:comedy", "n:year:399"));

    assertThat(model.itemVector("new")).isNotNull();
    List<String> published = new ArrayList<>();
    model.drainChanged((kind, id, v, b) -> published.add(kind + ":" + id), id -> true, true);
    assertThat(published).containsExactly("ITEM:new");
  }

  /**
   * Items held out of training get vectors from their features alone: their own cluster's users
   * must rank them far above chance, and far above the same items given no features.
   */
  @Test
  void coldItemsInheritTheirFeaturesPlaceInTheSpace() {
    double[] margins = coldMargins(CONFIG);
    assertThat(margins[0]).isGreaterThan(0.3);
    assertThat(margins[0]).isGreaterThan(margins[1] + 0.2);
  }

  /**
   * Id dropout (DropoutNet): a step that leaves an item's id row out trains only its features, and
   * the id row keeps still (no drift on the optimizer's momentum either).
   */
  @Test
  void aStepThatDropsAnItemsIdRowLeavesItStill() {
    for (double p : new double[] {0, 0.99}) {
      OnlineModel model = TwoTowerModels.create(CONFIG.toBuilder().itemFeatureIdDropout(p).build());
      List<Interaction> batch = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        model.setItemFeatures("i" + k, List.of("c:g" + (k % 2)));
        batch.add(new Interaction("u" + k, "i" + k));
      }
      model.train(batch);
      model.setItemFeatures("i0", List.of()); // the id row alone again
      float[] afterFirst = model.itemVector("i0");
      model.setItemFeatures("i0", List.of("c:g0"));
      List<Interaction> newUsers = new ArrayList<>(); // whose histories do not pool i0's id row
      for (Interaction x : batch) {
        newUsers.add(new Interaction("new-" + x.userId(), x.itemId()));
      }
      model.train(newUsers);
      model.setItemFeatures("i0", List.of());
      if (p == 0) {
        assertThat(model.itemVector("i0")).isNotEqualTo(afterFirst);
      } else {
        assertThat(model.itemVector("i0")).containsExactly(afterFirst);
      }
    }
  }

  /** The cold items' margin with features, then without. */
  private static double[] coldMargins(ModelConfig config) {
    PlantedClusterClicks clicks = clicks();
    Set<String> held = new HashSet<>();
    for (int i = 0; i < ITEMS; i += 10) {
      held.add(PlantedClusterClicks.itemId(i));
    }
    OnlineModel withFeatures = TwoTowerModels.create(config);
    OnlineModel without = TwoTowerModels.create(config);
    for (int i = 0; i < ITEMS; i++) {
      withFeatures.setItemFeatures(PlantedClusterClicks.itemId(i), featuresOf(clicks, i));
    }
    List<Interaction> batch = new ArrayList<>();
    for (Interaction x : clicks) {
      if (held.contains(x.itemId())) {
        continue;
      }
      batch.add(x);
      if (batch.size() == config.batchSize()) {
        withFeatures.train(batch);
        without.train(batch);
        batch.clear();
      }
    }
    for (String id : held) { // the plain model gets the held-out items as rows with no signal
      without.setItemFeatures(id, List.of("c:unknown"));
    }
    double featured = ownClusterMargin(withFeatures, clicks, held);
    double plain = ownClusterMargin(without, clicks, held);
    System.out.printf(
        "cold items: own-cluster minus other-cluster mean score, features %.3f, none %.3f%n",
        featured, plain);
    return new double[] {featured, plain};
  }

  /** Mean over held-out items of (mean score of own-cluster users − mean score of the others). */
  private static double ownClusterMargin(
      OnlineModel model, PlantedClusterClicks clicks, Set<String> held) {
    Map<Integer, List<float[]>> usersByCluster = new HashMap<>();
    for (int u = 0; u < USERS; u++) {
      float[] v = model.userVector(PlantedClusterClicks.userId(u));
      if (v != null) {
        usersByCluster.computeIfAbsent(clicks.clusterOfUser(u), k -> new ArrayList<>()).add(v);
      }
    }
    double total = 0;
    for (String id : held) {
      float[] item = model.itemVector(id);
      int cluster = clicks.clusterOfItem(PlantedClusterClicks.indexOf(id));
      double own = 0;
      double other = 0;
      int nOwn = 0;
      int nOther = 0;
      for (Map.Entry<Integer, List<float[]>> e : usersByCluster.entrySet()) {
        for (float[] u : e.getValue()) {
          double s = dot(u, item);
          if (e.getKey() == cluster) {
            own += s;
            nOwn++;
          } else {
            other += s;
            nOther++;
          }
        }
      }
      total += own / nOwn - other / nOther;
    }
    return total / held.size();
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int k = 0; k < a.length; k++) {
      s += a[k] * b[k];
    }
    return s;
  }

  @Test
  void trainingAFeatureRowRepublishesTheColdItemsThatCarryIt() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    model.setItemFeatures("clicked", List.of("c:drama"));
    model.setItemFeatures("cold", List.of("c:drama"));
    model.setItemFeatures("elsewhere", List.of("c:western"));
    model.drainChanged((kind, id, v, b) -> {});
    float[] before = model.itemVector("cold");

    model.train(List.of(new Interaction("u1", "clicked"), new Interaction("u2", "other")));

    assertThat(model.itemVector("cold")).isNotEqualTo(before);
    List<String> published = new ArrayList<>();
    model.drainChanged(
        (kind, id, v, b) -> {
          if (kind == EntityKind.ITEM) {
            published.add(id);
          }
        },
        id -> true,
        true);
    assertThat(published).contains("clicked", "other", "cold").doesNotContain("elsewhere");
  }

  @Test
  void replicasThatReceiveTheSameFeaturesStayInStep() {
    OnlineModel a = TwoTowerModels.create(CONFIG);
    OnlineModel b = TwoTowerModels.create(CONFIG);
    a.trackReplicaDelta();
    b.trackReplicaDelta();
    for (OnlineModel m : List.of(a, b)) {
      m.setItemFeatures("i1", List.of("c:drama", "t:noir"));
      m.setItemFeatures("cold", List.of("c:drama"));
    }
    a.train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i2")));
    ReplicaDelta delta = a.takeReplicaDelta();
    assertThat(delta.featureIds()).containsExactlyInAnyOrder("c:drama", "t:noir");

    b.applyReplicaDelta(delta);

    assertThat(b.itemVector("cold")).containsExactly(a.itemVector("cold"));
    assertThat(b.itemVector("i1")).containsExactly(a.itemVector("i1"));
    assertThat(b.takeReplicaDelta().featureIds()).as("a remote change is not sent back").isEmpty();
  }

  @Test
  void featuresSurviveASnapshotAndTrainingContinuesIdentically() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    model.setItemFeatures("i1", List.of("c:drama"));
    model.setItemFeatures("cold", List.of("c:drama", "n:year:399"));
    List<Interaction> batch = List.of(new Interaction("u1", "i1"), new Interaction("u2", "i2"));
    model.train(batch);
    OnlineModel restored = TwoTowerModels.restore(model.snapshot(), CONFIG);
    assertThat(restored.itemVector("cold")).containsExactly(model.itemVector("cold"));
    model.train(batch);
    restored.train(batch);
    assertThat(restored.snapshot()).isEqualTo(model.snapshot());
  }

  @Test
  void removingAnItemsFeaturesLeavesItsIdRowAndStopsPoolingThem() {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    model.train(List.of(new Interaction("u1", "i1")));
    float[] idOnly = model.itemVector("i1");
    model.setItemFeatures("i1", List.of("c:drama"));
    assertThat(model.itemVector("i1")).isNotEqualTo(idOnly);
    model.setItemFeatures("i1", List.of());
    assertThat(model.itemVector("i1")).containsExactly(idOnly);
  }

  @Test
  void featuresAreIgnoredWhenTurnedOff() {
    OnlineModel model = TwoTowerModels.create(CONFIG.toBuilder().itemFeatureTokens(0).build());
    model.setItemFeatures("new", List.of("c:comedy"));
    assertThat(model.itemVector("new")).isNull();
  }
}

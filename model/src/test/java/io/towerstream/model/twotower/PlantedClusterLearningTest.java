package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model must discover planted clusters in one pass over a stream. */
class PlantedClusterLearningTest {
  private static final int USERS = 500;
  private static final int ITEMS = 500;
  private static final int CLUSTERS = 10;
  private static final int TOP_K = 10;

  @Test
  void afterOnePassUsersTopItemsComeMostlyFromTheirOwnCluster() {
    learnsTheClusters(
        ModelConfig.builder()
            .dim(32)
            .batchSize(128)
            .reservoirNegatives(32)
            .reservoirCapacity(1_000)
            .seed(9)
            .build());
  }

  @Test
  void towersWithAnMlpLearnTheClustersToo() {
    learnsTheClusters(
        ModelConfig.builder()
            .dim(32)
            .batchSize(128)
            .reservoirNegatives(32)
            .reservoirCapacity(1_000)
            .towerMlpHidden(64)
            .seed(9)
            .build());
  }

  private void learnsTheClusters(ModelConfig config) {
    PlantedClusterClicks clicks =
        PlantedClusterClicks.builder()
            .users(USERS)
            .items(ITEMS)
            .clusters(CLUSTERS)
            .events(50_000)
            .inClusterProbability(0.8)
            .seed(3)
            .build();
    OnlineModel model = TwoTowerModels.create(config);

    List<Double> losses = trainOnePass(model, clicks, config.batchSize());

    double early = losses.subList(0, 20).stream().mapToDouble(d -> d).average().orElseThrow();
    double late =
        losses.subList(losses.size() - 20, losses.size()).stream()
            .mapToDouble(d -> d)
            .average()
            .orElseThrow();
    assertThat(late).as("loss decreases").isLessThan(early);
    double ownClusterFraction = meanOwnClusterFractionOfTopK(model, clicks);
    System.out.printf(
        "planted clusters: own-cluster fraction of top-%d = %.3f (chance %.2f), loss %.3f -> %.3f%n",
        TOP_K, ownClusterFraction, 1.0 / CLUSTERS, early, late);
    assertThat(ownClusterFraction).isGreaterThanOrEqualTo(0.5);
  }

  static List<Double> trainOnePass(OnlineModel model, Iterable<Interaction> clicks, int batchSize) {
    List<Double> losses = new ArrayList<>();
    List<Interaction> batch = new ArrayList<>(batchSize);
    for (Interaction click : clicks) {
      batch.add(click);
      if (batch.size() == batchSize) {
        StepResult r = model.train(batch);
        assertThat(r.skipped()).isFalse();
        losses.add(r.loss());
        batch.clear();
      }
    }
    return losses;
  }

  static double meanOwnClusterFractionOfTopK(OnlineModel model, PlantedClusterClicks clicks) {
    float[][] items = new float[ITEMS][];
    for (int i = 0; i < ITEMS; i++) {
      items[i] = model.itemVector(PlantedClusterClicks.itemId(i));
    }
    double sum = 0;
    int users = 0;
    for (int u = 0; u < USERS; u++) {
      float[] user = model.userVector(PlantedClusterClicks.userId(u));
      if (user == null) {
        continue;
      }
      int[] top = topK(user, items);
      int own = 0;
      for (int item : top) {
        own += clicks.clusterOfItem(item) == clicks.clusterOfUser(u) ? 1 : 0;
      }
      sum += own / (double) top.length;
      users++;
    }
    assertThat(users).isGreaterThan(USERS * 9 / 10);
    return sum / users;
  }

  private static int[] topK(float[] user, float[][] items) {
    double[] scores = new double[items.length];
    Integer[] order = new Integer[items.length];
    for (int i = 0; i < items.length; i++) {
      order[i] = i;
      scores[i] = Double.NEGATIVE_INFINITY;
      if (items[i] != null) {
        double dot = 0;
        for (int k = 0; k < user.length; k++) {
          dot += user[k] * items[i][k];
        }
        scores[i] = dot;
      }
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));
    int[] top = new int[TOP_K];
    for (int k = 0; k < TOP_K; k++) {
      top[k] = order[k];
    }
    return top;
  }
}

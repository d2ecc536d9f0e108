package io.towerstream.model.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlantedClusterClicksTest {
  private final PlantedClusterClicks clicks =
      PlantedClusterClicks.builder()
          .users(300)
          .items(200)
          .clusters(5)
          .events(40_000)
          .inClusterProbability(0.8)
          .seed(12)
          .build();

  @Test
  void replaysTheSameStreamWithIncreasingTimestamps() {
    List<Interaction> first = new ArrayList<>();
    clicks.forEach(first::add);
    List<Interaction> second = new ArrayList<>();
    clicks.forEach(second::add);
    assertThat(first).hasSize(40_000).isEqualTo(second);
    for (int i = 1; i < first.size(); i++) {
      assertThat(first.get(i).eventTimeMillis()).isGreaterThan(first.get(i - 1).eventTimeMillis());
    }
  }

  @Test
  void clicksStayInTheUsersClusterWithTheConfiguredProbability() {
    int own = 0;
    for (Interaction x : clicks) {
      int user = PlantedClusterClicks.indexOf(x.userId());
      int item = PlantedClusterClicks.indexOf(x.itemId());
      own += clicks.clusterOfUser(user) == clicks.clusterOfItem(item) ? 1 : 0;
    }
    // p + (1 − p)/C: off-cluster clicks land in the own cluster by chance too.
    assertThat(own / 40_000.0).isCloseTo(0.8 + 0.2 / 5, within(0.01));
  }

  @Test
  void clustersAreBalancedAndPopularityIsSkewedWithinThem() {
    int[] usersPerCluster = new int[5];
    for (int u = 0; u < 300; u++) {
      usersPerCluster[clicks.clusterOfUser(u)]++;
    }
    assertThat(usersPerCluster).containsOnly(60);
    int[] itemCounts = new int[200];
    for (Interaction x : clicks) {
      itemCounts[PlantedClusterClicks.indexOf(x.itemId())]++;
    }
    // Within each cluster the lowest-index item is the head of the Zipf law.
    int head = -1;
    int tail = -1;
    for (int i = 0; i < 200; i++) {
      if (clicks.clusterOfItem(i) == 0) {
        tail = i;
        if (head < 0) {
          head = i;
        }
      }
    }
    assertThat(itemCounts[head]).isGreaterThan(10 * itemCounts[tail]);
  }

  @Test
  void scalesToLargeCataloguesWithoutMaterialisingTheStream() {
    PlantedClusterClicks big =
        PlantedClusterClicks.builder()
            .users(100_000)
            .items(50_000)
            .clusters(100)
            .events(5_000_000_000L)
            .seed(1)
            .build();
    Iterator<Interaction> it = big.iterator();
    for (int i = 0; i < 10_000; i++) {
      Interaction x = it.next();
      assertThat(PlantedClusterClicks.indexOf(x.userId())).isBetween(0, 99_999);
      assertThat(PlantedClusterClicks.indexOf(x.itemId())).isBetween(0, 49_999);
    }
    assertThat(it.hasNext()).isTrue();
  }
}

package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Small seeded click streams cut into batches. */
final class TestStreams {
  private TestStreams() {}

  static List<List<Interaction>> batches(
      int users, int items, int batchSize, int count, long seed) {
    Iterator<Interaction> clicks =
        PlantedClusterClicks.builder()
            .users(users)
            .items(items)
            .clusters(5)
            .events((long) batchSize * count)
            .seed(seed)
            .build()
            .iterator();
    List<List<Interaction>> batches = new ArrayList<>();
    for (int b = 0; b < count; b++) {
      List<Interaction> batch = new ArrayList<>(batchSize);
      for (int i = 0; i < batchSize; i++) {
        batch.add(clicks.next());
      }
      batches.add(batch);
    }
    return batches;
  }
}

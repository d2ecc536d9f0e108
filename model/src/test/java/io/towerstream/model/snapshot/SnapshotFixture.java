package io.towerstream.model.snapshot;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.TwoTowerModels;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed format fixture: its config, and a main that regenerates the file. Regenerate only together
 * with a new {@link SnapshotFormat#FORMAT_VERSION}, keeping the old fixture for the old version's reader.
 */
public final class SnapshotFixture {
  static final String RESOURCE = "/snapshots/format-v2.snapshot";
  /** The version-1 fixture, kept so the migration from version 1 stays tested. */
  static final String V1_RESOURCE = "/snapshots/format-v1.snapshot";
  /** Tiny bounds so that every part (evictions, reservoir, projections with Adam) holds some state. */
  static final ModelConfig CONFIG = ModelConfig.builder().dim(4).batchSize(4).reservoirNegatives(2)
      .reservoirCapacity(6).maxRowsPerTable(8).towerProjection(true).historyLength(3).priorWeight(0.5f).priorHalfLifeEvents(10)
      .seed(99).build();

  private SnapshotFixture() {}

  public static void main(String[] args) throws IOException {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    List<Interaction> batch = new ArrayList<>();
    for (Interaction x : PlantedClusterClicks.builder().users(12).items(10).clusters(2).events(40).seed(4).build()) {
      batch.add(x);
      if (batch.size() == CONFIG.batchSize()) {
        model.train(batch);
        batch.clear();
      }
    }
    Path out = Path.of(args.length > 0 ? args[0] : "model/src/test/resources" + RESOURCE);
    Files.write(out, model.snapshot());
    System.out.println("wrote " + out + " " + model.stats());
  }
}

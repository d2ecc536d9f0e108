package io.towerstream.model.snapshot;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed format fixture: its config, and a main that regenerates the file. Regenerate only
 * together with a new {@link SnapshotFormat#FORMAT_VERSION}, keeping the old fixture for the old
 * version's reader.
 */
public final class SnapshotFixture {
  static final String RESOURCE = "/snapshots/format-v8.snapshot";

  /**
   * The last version-7 fixture, written with {@link #V7_CONFIG} before the history weights were
   * learned, kept so reading version 7 stays tested.
   */
  static final String V7_RESOURCE = "/snapshots/format-v7.snapshot";

  /**
   * The last version-6 fixture, written with {@link #V6_CONFIG} before the tuner's paired counts
   * and experience replay, kept so reading version 6 stays tested.
   */
  static final String V6_RESOURCE = "/snapshots/format-v6.snapshot";

  /**
   * The last version-5 fixture, written with {@link #CONFIG} before side features existed, kept so
   * reading version 5 stays tested.
   */
  static final String V5_RESOURCE = "/snapshots/format-v5.snapshot";

  /**
   * The last version-4 fixture, written with {@link #V4_CONFIG}, kept so reading version 4 stays
   * tested.
   */
  static final String V4_RESOURCE = "/snapshots/format-v4.snapshot";

  /**
   * The last version-3 fixture, written with {@link #CONFIG}, kept so reading version 3 stays
   * tested.
   */
  static final String V3_RESOURCE = "/snapshots/format-v3.snapshot";

  /**
   * A version-3 snapshot of the first format-3 layout, before the towers recorded their MLP width
   * (commit f5dd20c, taken from git history), written with {@link #V3_PRE_MLP_CONFIG}.
   */
  static final String V3_PRE_MLP_RESOURCE = "/snapshots/format-v3-pre-mlp.snapshot";

  /**
   * The last version-2 fixture, written with {@link #V2_CONFIG}, kept so reading version 2 stays
   * tested.
   */
  static final String V2_RESOURCE = "/snapshots/format-v2.snapshot";

  /**
   * A version-2 snapshot written before the sections appended to version 2 (table extras, learned
   * scalars, admission counts, queue), kept so reading such a snapshot stays tested; written with
   * {@link #BASE_CONFIG}.
   */
  static final String V2_BASE_RESOURCE = "/snapshots/format-v2-base.snapshot";

  /** The version-1 fixture, kept so the migration from version 1 stays tested. */
  static final String V1_RESOURCE = "/snapshots/format-v1.snapshot";

  /** The config of the version-1 and base version-2 fixtures. */
  static final ModelConfig BASE_CONFIG =
      ModelConfig.builder()
          .dim(4)
          .batchSize(4)
          .reservoirNegatives(2)
          .reservoirCapacity(6)
          .maxRowsPerTable(8)
          .towerProjection(true)
          .historyLength(3)
          .priorWeight(0.5f)
          .priorHalfLifeEvents(10)
          .seed(99)
          .tableOptimizer(ModelConfig.TableOptimizer.ADAGRAD)
          .historyRecencyLearningRate(0) // fixed history weights, as every format before 8 had
          .itemPairsWeight(0) // no item–item views: the fixtures were trained before them
          .build();

  /**
   * Tiny bounds so that every part (evictions, expiries, reservoir, projections with Adam, pending
   * admissions, queue, learned temperature and bias, lazy Adam tables) holds some state.
   */
  static final ModelConfig V2_CONFIG =
      BASE_CONFIG.toBuilder()
          .loss(ModelConfig.Loss.SIGLIP)
          .learnedTemperature(true)
          .queueSize(6)
          .admissionMinCount(2)
          .rowTtlEvents(12)
          .tableOptimizer(ModelConfig.TableOptimizer.ADAM)
          .build();

  /**
   * {@link #V2_CONFIG} with the prior weight tuned on every batch: the pre-MLP format-3 fixture's
   * config.
   */
  static final ModelConfig V3_PRE_MLP_CONFIG = V2_CONFIG.toBuilder().priorTuningInterval(1).build();

  /**
   * {@link #V2_CONFIG} with the prior weight tuned on every batch and tower MLPs, the parts version
   * 3 added: the config of the version-3 and version-4 fixtures.
   */
  static final ModelConfig V4_CONFIG =
      V2_CONFIG.toBuilder().priorTuningInterval(1).towerMlpHidden(3).build();

  /**
   * {@link #V4_CONFIG} with the DINO loss, whose head (prototypes, their momentum teacher, the
   * centre) is the part version 5 added; it learns no temperature and has no item bias. The config
   * of the version-5 and version-6 fixtures.
   */
  static final ModelConfig V6_CONFIG =
      V4_CONFIG.toBuilder()
          .loss(ModelConfig.Loss.DINO)
          .dinoPrototypes(3)
          .learnedTemperature(false)
          .itemBias(false)
          .build();

  /**
   * {@link #V6_CONFIG} with experience replay, whose buffer is the part version 7 added (with the
   * tuner's paired counts, which every tuned config has): the config of the version-7 fixture.
   */
  static final ModelConfig V7_CONFIG =
      V6_CONFIG.toBuilder().replayRatio(0.5).replayCapacity(5).build();

  /** {@link #V7_CONFIG} with learned history weights, the part version 8 added. */
  static final ModelConfig CONFIG = V7_CONFIG.toBuilder().historyRecencyLearningRate(0.05).build();

  private SnapshotFixture() {}

  public static void main(String[] args) throws IOException {
    OnlineModel model = TwoTowerModels.create(CONFIG);
    // another replica's delta, so that the part version 4 added (events trained elsewhere) holds
    // state
    OnlineModel replica = TwoTowerModels.create(CONFIG);
    replica.trackReplicaDelta();
    replica.train(List.of(new Interaction("u1", "i2"), new Interaction("u2", "i3")));
    model.applyReplicaDelta(replica.takeReplicaDelta());
    List<Interaction> batch = new ArrayList<>();
    for (Interaction x :
        PlantedClusterClicks.builder().users(12).items(10).clusters(2).events(80).seed(4).build()) {
      batch.add(x);
      if (batch.size() == CONFIG.batchSize()) {
        model.train(batch);
        batch.clear();
      }
    }
    // side features (the part version 6 added): catalogue items, a cold one among them, then more
    // training so that their token rows move
    model.setItemFeatures("i1", List.of("c:a", "c:b"));
    model.setItemFeatures("i2", List.of("c:a", "n:year:399"));
    model.setItemFeatures("cold", List.of("c:b", "n:year:399"));
    for (Interaction x :
        PlantedClusterClicks.builder().users(12).items(10).clusters(2).events(16).seed(5).build()) {
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

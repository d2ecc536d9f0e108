package io.towerstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModel;
import io.towerstream.model.twotower.TwoTowerModels;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SnapshotFormatTest {
  @Test
  void theCommittedVersion8FixtureLoadsAndIsResavedByteForByte() throws IOException {
    byte[] fixture = readFixture(SnapshotFixture.RESOURCE);
    assertThat(SnapshotReader.over(fixture, 4, 4).readInt()).isEqualTo(8);
    OnlineModel model = TwoTowerModels.restore(fixture, SnapshotFixture.CONFIG);
    assertThat(model.snapshot()).isEqualTo(fixture);
    assertThat(model.stats().batches()).isEqualTo(23);
    assertThat(((TwoTowerModel) model).featureCounts()).containsExactly(3, 3);
    assertThat(model.itemVector("cold")).as("the cold item's row came back").isNotNull();
    assertThat(model.stats().users()).isEqualTo(8);
    assertThat(model.stats().expiredRows()).as("every appended part holds state").isPositive();
    assertThat(model.stats().pendingIds()).isPositive();
    assertThat(Arrays.stream(((TwoTowerModel) model).priorTuningHitRates()).max().orElseThrow())
        .as("the tuner scored the fixture's batches")
        .isPositive();
    assertThat(((TwoTowerModel) model).historyWeights(3))
        .as("the learned history weights came back, moved from the configured decay's")
        .isNotEqualTo(new TwoTowerModel(SnapshotFixture.CONFIG).historyWeights(3))
        .isEqualTo(
            ((TwoTowerModel) TwoTowerModels.restore(model.snapshot(), SnapshotFixture.CONFIG))
                .historyWeights(3));
    assertThat(
            model
                .train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i3")))
                .skipped())
        .isFalse();
  }

  @Test
  void aVersion7SnapshotLoadsWithFixedHistoryWeightsAndIsResavedInTheCurrentFormat()
      throws IOException {
    byte[] v7 = readFixture(SnapshotFixture.V7_RESOURCE);
    byte[] resaved = resavedInTheCurrentFormat(v7, 7, SnapshotFixture.V7_CONFIG);
    assertThat(resaved).hasSize(v7.length + FIXED_V8_PART);
    TwoTowerModel model = (TwoTowerModel) TwoTowerModels.restore(v7, SnapshotFixture.V7_CONFIG);
    // with learning turned on at restore the weights start at the configured decay's shape
    TwoTowerModel learning = (TwoTowerModel) TwoTowerModels.restore(v7, SnapshotFixture.CONFIG);
    assertThat(learning.historyWeights(3))
        .containsExactly(model.historyWeights(3), org.assertj.core.data.Offset.offset(1e-6f));
    List<Interaction> batch = new java.util.ArrayList<>();
    PlantedClusterClicks.builder()
        .users(12)
        .items(10)
        .clusters(2)
        .events(4)
        .seed(6)
        .build()
        .forEach(batch::add); // the fixture's users, whose histories the weights pool
    assertThat(learning.train(batch).skipped()).isFalse();
    assertThat(learning.historyWeights(3)).isNotEqualTo(model.historyWeights(3));
  }

  /**
   * Restores a snapshot of an older {@code version} and saves it again: in the current format, and
   * restoring that gives it back byte for byte. Returns the resaved bytes.
   */
  private static byte[] resavedInTheCurrentFormat(byte[] old, int version, ModelConfig config) {
    assertThat(SnapshotReader.over(old, 4, 4).readInt()).isEqualTo(version);
    byte[] resaved = TwoTowerModels.restore(old, config).snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    assertThat(TwoTowerModels.restore(resaved, config).snapshot()).isEqualTo(resaved);
    return resaved;
  }

  @Test
  void aVersion6SnapshotLoadsWithoutReplayedPositivesAndIsResavedInTheCurrentFormat()
      throws IOException {
    byte[] v6 = readFixture(SnapshotFixture.V6_RESOURCE);
    resavedInTheCurrentFormat(v6, 6, SnapshotFixture.V6_CONFIG);
    // with replay turned on at restore the buffer starts empty, and the model trains on
    OnlineModel replaying = TwoTowerModels.restore(v6, SnapshotFixture.CONFIG);
    List<Interaction> batch = List.of(new Interaction("u1", "i1"), new Interaction("u2", "i3"));
    assertThat(replaying.train(batch).skipped()).isFalse();
    assertThat(replaying.userVector("u1")).isNotNull();
  }

  /**
   * The fixture's DINO head is restored, not reset: restoring through a config without it (which
   * reads past it) and back gives a fresh head, and a different next step.
   */
  @Test
  void theVersion5FixturesLossHeadIsRestoredNotReset() throws IOException {
    byte[] fixture = readFixture(SnapshotFixture.V5_RESOURCE);
    OnlineModel restored = TwoTowerModels.restore(fixture, SnapshotFixture.CONFIG);
    OnlineModel withoutPredictor =
        TwoTowerModels.restore(
            TwoTowerModels.restore(fixture, SnapshotFixture.V4_CONFIG).snapshot(),
            SnapshotFixture.CONFIG);
    List<Interaction> batch = List.of(new Interaction("u1", "i1"), new Interaction("u2", "i3"));
    assertThat(restored.userVector("u1")).isEqualTo(withoutPredictor.userVector("u1"));
    restored.train(batch);
    withoutPredictor.train(batch);
    assertThat(restored.userVector("u1")).isNotEqualTo(withoutPredictor.userVector("u1"));
  }

  @ParameterizedTest
  @EnumSource(
      value = ModelConfig.Loss.class,
      names = {"SIMSIAM", "DINO"})
  void aLossHeadSurvivesASnapshotByteForByte(ModelConfig.Loss loss) {
    ModelConfig config =
        ModelConfig.builder().dim(8).batchSize(8).loss(loss).itemBias(false).seed(4).build();
    OnlineModel model = TwoTowerModels.create(config);
    List<Interaction> batch = new java.util.ArrayList<>();
    for (int k = 0; k < 8; k++) {
      batch.add(new Interaction("u" + (k % 3), "i" + k));
    }
    model.train(batch);
    model.train(batch);
    byte[] saved = model.snapshot();
    OnlineModel restored = TwoTowerModels.restore(saved, config);
    assertThat(restored.snapshot()).isEqualTo(saved);
    model.train(batch);
    restored.train(batch);
    assertThat(restored.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(restored.snapshot()).isEqualTo(model.snapshot());
  }

  @Test
  void aVersion5SnapshotLoadsWithoutSideFeaturesAndIsResavedInTheCurrentFormat()
      throws IOException {
    byte[] v5 = readFixture(SnapshotFixture.V5_RESOURCE);
    assertThat(SnapshotReader.over(v5, 4, 4).readInt()).isEqualTo(5);
    OnlineModel model = TwoTowerModels.restore(v5, SnapshotFixture.V6_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(19);
    assertThat(((TwoTowerModel) model).featureCounts()).containsExactly(0, 0);
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    assertThat(resaved).hasSize(v5.length + EMPTY_V6_PART + TUNED_V7_PART + FIXED_V8_PART);
    OnlineModel again = TwoTowerModels.restore(resaved, SnapshotFixture.V6_CONFIG);
    assertThat(again.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(again.snapshot()).isEqualTo(resaved);
  }

  /** Bytes version 6 adds to a model without side features: an empty token table and map. */
  private static final int EMPTY_V6_PART = 56; // table header and extras, map count

  /**
   * Bytes version 7 adds to a tuned model without replay: the tuner's 11 × 11 paired counts with
   * their length, and the replay flag.
   */
  private static final int TUNED_V7_PART = 4 + 11 * 11 * 8 + 1;

  /** Bytes version 8 adds to a model whose history weights are fixed: the learned-weights flag. */
  private static final int FIXED_V8_PART = 1;

  @Test
  void aVersion4SnapshotLoadsWithoutAPredictorAndIsResavedInTheCurrentFormat() throws IOException {
    byte[] v4 = readFixture(SnapshotFixture.V4_RESOURCE);
    assertThat(SnapshotReader.over(v4, 4, 4).readInt()).isEqualTo(4);
    OnlineModel model = TwoTowerModels.restore(v4, SnapshotFixture.V4_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(19);
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    // version 5's: no predictor
    assertThat(resaved).hasSize(v4.length + 1 + EMPTY_V6_PART + TUNED_V7_PART + FIXED_V8_PART);
    assertThat(TwoTowerModels.restore(resaved, SnapshotFixture.V4_CONFIG).snapshot())
        .isEqualTo(resaved);
    OnlineModel simSiam =
        TwoTowerModels.restore(
            v4, SnapshotFixture.V6_CONFIG.toBuilder().loss(ModelConfig.Loss.SIMSIAM).build());
    assertThat(simSiam.snapshot().length)
        .as("restored under SimSiam: a fresh d × d predictor with its Adam state")
        .isGreaterThan(resaved.length + 16 * 3);
    assertThat(TwoTowerModels.restore(v4, SnapshotFixture.V6_CONFIG).snapshot().length)
        .as("under DINO: fresh prototypes, teacher and centre")
        .isGreaterThan(resaved.length + 3 * 4 * 2 * 4);
  }

  @Test
  void aVersion3SnapshotLoadsWithNoRemoteEventsAndIsResavedInTheCurrentFormat() throws IOException {
    byte[] v3 = readFixture(SnapshotFixture.V3_RESOURCE);
    assertThat(SnapshotReader.over(v3, 4, 4).readInt()).isEqualTo(3);
    OnlineModel model = TwoTowerModels.restore(v3, SnapshotFixture.V4_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(19);
    assertThat(model.stats().users()).isEqualTo(8);
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    // version 4's long (zero), 5's absent predictor, 6's empty side features, 7's counts
    assertThat(resaved).hasSize(v3.length + 9 + EMPTY_V6_PART + TUNED_V7_PART + FIXED_V8_PART);
    OnlineModel again = TwoTowerModels.restore(resaved, SnapshotFixture.V4_CONFIG);
    assertThat(again.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(again.snapshot()).isEqualTo(resaved);
  }

  @Test
  void aVersion3SnapshotOfTheLayoutBeforeTowerMlpsStillLoads() throws IOException {
    byte[] pre = readFixture(SnapshotFixture.V3_PRE_MLP_RESOURCE);
    assertThat(SnapshotReader.over(pre, 4, 4).readInt()).isEqualTo(3);
    TwoTowerModel model = TwoTowerModel.restore(pre, SnapshotFixture.V3_PRE_MLP_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(19);
    assertThat(model.stats().users()).isEqualTo(8);
    assertThat(Arrays.stream(model.priorTuningHitRates()).max().orElseThrow())
        .as("the tuner's state, written after the towers, was read in place")
        .isPositive();
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    assertThat(resaved)
        // each tower's MLP width (0), version 4's long, 5's flag, 6's empty side features, 7's
        // counts
        .hasSize(pre.length + 2 * 4 + 9 + EMPTY_V6_PART + TUNED_V7_PART + FIXED_V8_PART);
    TwoTowerModel again = TwoTowerModel.restore(resaved, SnapshotFixture.V3_PRE_MLP_CONFIG);
    assertThat(again.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(again.itemBias("i1")).isEqualTo(model.itemBias("i1"));
    assertThat(again.snapshot()).isEqualTo(resaved);
    assertThat(
            model
                .train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i3")))
                .skipped())
        .isFalse();
    // that layout had no tower MLPs: asking for one is a config mismatch, named
    assertThatThrownBy(
            () ->
                TwoTowerModel.restore(
                    pre, SnapshotFixture.V3_PRE_MLP_CONFIG.toBuilder().towerMlpHidden(3).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.tower.mlp-hidden is 3")
        .hasMessageContaining("hidden width 0");
  }

  @Test
  void aCorruptVersion3SnapshotFailsUnderBothLayoutsAndSaysSo() throws IOException {
    byte[] v3 = readFixture(SnapshotFixture.V3_RESOURCE);
    // the user table's row count made impossible, checksum recomputed: a well-formed envelope, a
    // bad body
    byte[] bad = v3.clone();
    int bodyEnd = bad.length - 8;
    for (int i = 12; i < 200; i++) {
      bad[i] = (byte) 0x7f;
    }
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bad, 0, bodyEnd);
    java.nio.ByteBuffer.wrap(bad, bodyEnd, 8).putLong(crc.getValue());
    assertThatThrownBy(() -> TwoTowerModels.restore(bad, SnapshotFixture.V4_CONFIG))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("without tower MLP fields");
  }

  @Test
  void aVersion2SnapshotStartsPriorTuningAtTheConfiguredWeight() throws IOException {
    byte[] v2 = readFixture(SnapshotFixture.V2_RESOURCE);
    assertThat(SnapshotReader.over(v2, 4, 4).readInt()).isEqualTo(2);
    ModelConfig tuned = SnapshotFixture.V2_CONFIG.toBuilder().priorTuningInterval(1).build();
    TwoTowerModel model = TwoTowerModel.restore(v2, tuned);
    assertThat(model.stats().batches()).isEqualTo(19);
    assertThat(model.priorWeight()).isEqualTo(tuned.priorWeight());
    assertThat(model.priorTuningHitRates()).containsOnly(0.0);
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    assertThat(TwoTowerModel.restore(resaved, tuned).snapshot()).isEqualTo(resaved);
    // read without tuning, as version 2 was written, it is the same model
    assertThat(TwoTowerModel.restore(v2, SnapshotFixture.V2_CONFIG).userVector("u1"))
        .isEqualTo(model.userVector("u1"));
    // version 2 had no tower MLPs: asking for them is a config mismatch, named
    assertThatThrownBy(
            () ->
                TwoTowerModel.restore(
                    v2, SnapshotFixture.V2_CONFIG.toBuilder().towerMlpHidden(3).build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("model.tower.mlp-hidden");
  }

  @Test
  void aVersion2SnapshotWithoutTheAppendedSectionsStartsThemEmpty() throws IOException {
    byte[] base = readFixture(SnapshotFixture.V2_BASE_RESOURCE);
    OnlineModel model = TwoTowerModels.restore(base, SnapshotFixture.BASE_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(10);
    assertThat(model.stats().pendingIds()).isZero();
    assertThat(model.stats().admittedRows())
        .as("live and evicted rows count as admitted")
        .isEqualTo(model.stats().users() + model.stats().items() + model.stats().evictedRows());
    byte[] resaved = model.snapshot();
    // re-saved in the current format (whose towers also say "no MLP"), it is the same model
    OnlineModel again = TwoTowerModels.restore(resaved, SnapshotFixture.BASE_CONFIG);
    assertThat(again.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(again.itemBias("i1")).isEqualTo(model.itemBias("i1"));
    assertThat(TwoTowerModels.restore(resaved, SnapshotFixture.BASE_CONFIG).snapshot())
        .isEqualTo(resaved);
  }

  @Test
  void aVersion1SnapshotIsMigratedWithEmptyHistoriesAndPrior() throws IOException {
    byte[] v1 = readFixture(SnapshotFixture.V1_RESOURCE);
    assertThat(SnapshotReader.over(v1, 4, 4).readInt()).isEqualTo(1);
    OnlineModel model = TwoTowerModels.restore(v1, SnapshotFixture.V2_CONFIG);
    assertThat(model.stats().batches()).isEqualTo(10);
    assertThat(model.stats().users()).isEqualTo(8);
    assertThat(model.itemBias("i1")).isZero(); // no recent clicks known yet
    byte[] resaved = model.snapshot();
    assertThat(SnapshotReader.over(resaved, 4, 4).readInt())
        .isEqualTo(SnapshotFormat.FORMAT_VERSION);
    // the user vectors of version 1 (no history) are what the migrated model serves
    OnlineModel again = TwoTowerModels.restore(resaved, SnapshotFixture.V2_CONFIG);
    assertThat(again.userVector("u1")).isEqualTo(model.userVector("u1"));
    assertThat(again.snapshot()).isEqualTo(resaved);
  }

  @Test
  void headerIsMagicVersionDimAndIsCheckedBeforeTheChecksum() throws IOException {
    byte[] fixture = readFixture(SnapshotFixture.RESOURCE);
    SnapshotReader header = SnapshotReader.over(fixture, 0, 12);
    assertThat(header.readInt()).isEqualTo(SnapshotFormat.MAGIC);
    assertThat(header.readInt()).isEqualTo(8);
    assertThat(header.readInt()).isEqualTo(4); // dim

    byte[] future = fixture.clone();
    future[7] = 9; // version 9, checksum now stale: the version is what gets reported
    assertThatThrownBy(() -> SnapshotFormat.open(future, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown model snapshot format version 9");
  }

  @Test
  void readerReportsTruncationAndImpossibleLengthsAsCorruption() {
    SnapshotWriter out = new SnapshotWriter().writeInt(1_000_000).writeString("ok");
    byte[] bytes = out.toByteArrayWithChecksum();
    SnapshotReader in = SnapshotReader.over(bytes, 0, bytes.length - 8);
    assertThatThrownBy(() -> in.readLength(4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt");
    SnapshotReader strings = SnapshotReader.over(bytes, 4, bytes.length - 12);
    assertThat(strings.readString()).isEqualTo("ok");
    assertThatThrownBy(strings::readLong)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  private static byte[] readFixture(String resource) throws IOException {
    try (InputStream in = SnapshotFormatTest.class.getResourceAsStream(resource)) {
      assertThat(in).as("fixture " + resource).isNotNull();
      return in.readAllBytes();
    }
  }
}

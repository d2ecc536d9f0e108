package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.EntityKind;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotRestoreTest {
  /** Small bounds so that table evictions, reservoir evictions and collisions all happen. */
  private static ModelConfig config(boolean projection) {
    return ModelConfig.builder()
        .dim(16)
        .batchSize(32)
        .reservoirNegatives(8)
        .reservoirCapacity(40)
        .maxRowsPerTable(150)
        .towerProjection(projection)
        .seed(5)
        .build();
  }

  @ParameterizedTest(name = "towerProjection={0}")
  @ValueSource(booleans = {false, true})
  void restoredModelContinuesBitIdentically(boolean projection) {
    assertRestoreContinuesBitIdentically(config(projection));
  }

  /**
   * Every appended part with state: SigLIP bias, learned τ, queue, pending admissions, expiries,
   * Adam rows, the replay buffer and its generator.
   */
  @ParameterizedTest(name = "loss={0}")
  @ValueSource(strings = {"siglip", "symmetric-infonce"})
  void restoredModelWithEveryTrainingOptionContinuesBitIdentically(String loss) {
    ModelConfig config =
        config(false).toBuilder()
            .loss(ModelConfig.Loss.parse(loss))
            .hardNegativeBeta(loss.equals("siglip") ? 0 : 0.5)
            .learnedTemperature(true)
            .queueSize(48)
            .queueMomentum(0.9)
            .admissionMinCount(2)
            .rowTtlEvents(200)
            .tableOptimizer(ModelConfig.TableOptimizer.ADAM)
            .replayRatio(0.5)
            .replayCapacity(100)
            .build();
    OnlineModel original = assertRestoreContinuesBitIdentically(config);
    assertThat(original.stats().expiredRows()).as("expiries were exercised").isPositive();
    assertThat(original.stats().heldBackEvents()).as("admission was exercised").isPositive();
  }

  private static OnlineModel assertRestoreContinuesBitIdentically(ModelConfig config) {
    List<List<Interaction>> batches = TestStreams.batches(200, 180, 32, 60, 17);
    OnlineModel original = TwoTowerModels.create(config);
    for (List<Interaction> batch : batches.subList(0, 30)) {
      original.train(batch);
    }
    original.drainChanged((kind, id, v, bias) -> {});
    original.train(batches.get(30)); // leave pending changes in the snapshot
    byte[] snapshot = original.snapshot();

    OnlineModel restored = TwoTowerModels.restore(snapshot, config);
    assertThat(restored.snapshot()).as("restore then snapshot is the identity").isEqualTo(snapshot);
    assertThat(restored.stats()).isEqualTo(original.stats());

    List<Double> originalLosses = new ArrayList<>();
    List<Double> restoredLosses = new ArrayList<>();
    for (List<Interaction> batch : batches.subList(31, 60)) {
      originalLosses.add(original.train(batch).loss());
      restoredLosses.add(restored.train(batch).loss());
    }
    assertThat(restoredLosses).containsExactlyElementsOf(originalLosses);
    assertThat(drain(restored)).containsExactlyElementsOf(drain(original));
    assertThat(restored.snapshot()).isEqualTo(original.snapshot());
    assertThat(((TwoTowerModel) original).evictedRows(EntityKind.USER))
        .as("evictions were exercised")
        .isPositive();
    return original;
  }

  @Test
  void sameSeedAndInputGiveTheSameModel() {
    List<List<Interaction>> batches = TestStreams.batches(100, 100, 32, 10, 3);
    OnlineModel a = TwoTowerModels.create(config(false));
    OnlineModel b = TwoTowerModels.create(config(false));
    for (List<Interaction> batch : batches) {
      a.train(batch);
      b.train(batch);
    }
    assertThat(a.snapshot()).isEqualTo(b.snapshot());
  }

  @Test
  void restoreRejectsAnotherDimension() {
    byte[] snapshot = trainedSnapshot();
    ModelConfig otherDim = config(false).toBuilder().dim(8).build();
    assertThatThrownBy(() -> TwoTowerModels.restore(snapshot, otherDim))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dim 16")
        .hasMessageContaining("8");
  }

  @Test
  void restoreRejectsAnUnknownFormatVersion() {
    byte[] snapshot = trainedSnapshot();
    ByteBuffer.wrap(snapshot).putInt(4, 99);
    assertThatThrownBy(() -> TwoTowerModels.restore(snapshot, config(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown model snapshot format version 99");
  }

  @Test
  void restoreRejectsCorruptTruncatedAndForeignBytes() {
    byte[] snapshot = trainedSnapshot();
    byte[] flipped = snapshot.clone();
    flipped[snapshot.length / 2] ^= 0x10;
    assertThatThrownBy(() -> TwoTowerModels.restore(flipped, config(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt");
    byte[] truncated = Arrays.copyOf(snapshot, snapshot.length - 100);
    assertThatThrownBy(() -> TwoTowerModels.restore(truncated, config(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt");
    assertThatThrownBy(
            () -> TwoTowerModels.restore("hello, world, not a model".getBytes(), config(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a towerstream model snapshot");
    assertThatThrownBy(() -> TwoTowerModels.restore(new byte[3], config(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  @Test
  void restoreRejectsAProjectionSettingOtherThanTheSnapshots() {
    byte[] snapshot = trainedSnapshot();
    assertThatThrownBy(() -> TwoTowerModels.restore(snapshot, config(true)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tower-projection");
  }

  private static byte[] trainedSnapshot() {
    OnlineModel model = TwoTowerModels.create(config(false));
    for (List<Interaction> batch : TestStreams.batches(50, 50, 32, 3, 1)) {
      model.train(batch);
    }
    return model.snapshot();
  }

  static List<String> drain(OnlineModel model) {
    List<String> out = new ArrayList<>();
    model.drainChanged((kind, id, v, bias) -> out.add(kind + ":" + id + ":" + Arrays.toString(v)));
    return out;
  }
}

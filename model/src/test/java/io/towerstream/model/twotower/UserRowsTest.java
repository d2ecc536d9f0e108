package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.UserRow;
import io.towerstream.model.UserRowSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * User rows kept outside the model (as a sharded trainer keeps them in keyed state) and brought
 * back.
 */
class UserRowsTest {
  private static ModelConfig config(int maxRows) {
    return ModelConfig.builder()
        .dim(16)
        .batchSize(32)
        .reservoirNegatives(8)
        .reservoirCapacity(40)
        .maxRowsPerTable(maxRows)
        .seed(5)
        .build();
  }

  /** What a keyed state would hold: the latest row per user, removals applied. */
  private static final class KeyedRows implements UserRowSink {
    final Map<String, byte[]> rows = new LinkedHashMap<>();
    int removals;

    @Override
    public void changed(String userId, byte[] row) {
      rows.put(userId, row);
    }

    @Override
    public void removed(String userId) {
      removals++;
      rows.remove(userId);
    }

    List<UserRow> all() {
      List<UserRow> out = new ArrayList<>();
      rows.forEach((id, row) -> out.add(new UserRow(id, row)));
      return out;
    }
  }

  @ParameterizedTest(name = "maxRowsPerTable={0}")
  @ValueSource(ints = {150, 2_000_000})
  void aModelRestoredWithoutUsersPlusTheirRowsContinuesAsTheOriginal(int maxRows) {
    ModelConfig config = config(maxRows);
    List<List<Interaction>> batches = TestStreams.batches(200, 180, 32, 60, 17);
    OnlineModel original = TwoTowerModels.create(config);
    original.trackUserRows();
    KeyedRows keyed = new KeyedRows();
    for (int b = 0; b < 30; b++) {
      original.train(batches.get(b));
      if (b % 7 == 0) {
        original.drainUserRows(keyed); // drained now and then, as at publish ticks
      }
    }
    original.drainChanged((kind, id, v, bias) -> {});
    original.train(batches.get(30)); // pending publishes in the saved rows
    original.drainUserRows(keyed);
    byte[] shared = original.snapshotWithoutUsers();
    assertThat(shared.length)
        .as("the shared part holds no user rows")
        .isLessThan(original.snapshot().length);

    OnlineModel restored = TwoTowerModels.restore(shared, config);
    assertThat(restored.stats().users()).isZero();
    restored.importUserRows(keyed.all());
    assertThat(restored.stats()).isEqualTo(original.stats());
    if (maxRows == 150) {
      assertThat(keyed.removals).as("evictions reached the keyed rows").isPositive();
    }

    for (List<Interaction> batch : batches.subList(31, 60)) {
      assertThat(restored.train(batch).loss()).isEqualTo(original.train(batch).loss());
    }
    TreeSet<String> restoredOut = sortedDrain(restored);
    TreeSet<String> originalOut = sortedDrain(original);
    assertThat(restoredOut).containsAll(originalOut);
    // A row saved while it awaited publication keeps saying so after it was published: such a user
    // is published once more after a restore, with the same vector (at-least-once, harmless to the
    // store).
    restoredOut.removeAll(originalOut);
    for (String line : restoredOut) {
      String id = line.split(":")[1];
      assertThat(line)
          .startsWith("USER:")
          .endsWith(java.util.Arrays.toString(original.userVector(id)));
    }
  }

  /** A model trained on one small batch, and its user rows as keyed state would hold them. */
  private static OnlineModel trainedOnce(ModelConfig config, KeyedRows keyed) {
    OnlineModel model = TwoTowerModels.create(config);
    model.trackUserRows();
    model.train(TestStreams.batches(20, 20, 8, 1, 3).get(0));
    model.drainUserRows(keyed);
    return model;
  }

  @Test
  void rowsAwaitingPublicationArePublishedAfterTheImport() {
    ModelConfig config = config(1000);
    KeyedRows keyed = new KeyedRows();
    OnlineModel model = trainedOnce(config, keyed);
    OnlineModel restored = TwoTowerModels.restore(model.snapshotWithoutUsers(), config);
    restored.importUserRows(keyed.all());
    assertThat(sortedDrain(restored)).isEqualTo(sortedDrain(model));
  }

  @Test
  void badRowsAreRejectedWithTheUserNamed() {
    ModelConfig config = config(1000);
    KeyedRows keyed = new KeyedRows();
    trainedOnce(config, keyed);
    UserRow first = keyed.all().get(0);

    OnlineModel otherDim = TwoTowerModels.create(config.toBuilder().dim(8).build());
    assertThatThrownBy(() -> otherDim.importUserRows(List.of(first)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(first.userId())
        .hasMessageContaining("dim 16");
    OnlineModel fresh = TwoTowerModels.create(config);
    byte[] truncated = java.util.Arrays.copyOf(first.row(), first.row().length - 3);
    assertThatThrownBy(() -> fresh.importUserRows(List.of(new UserRow(first.userId(), truncated))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt");
    assertThatThrownBy(() -> fresh.importUserRows(List.of(first, first)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> TwoTowerModels.create(config).drainUserRows(keyed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trackUserRows");
  }

  static TreeSet<String> sortedDrain(OnlineModel model) {
    return new TreeSet<>(SnapshotRestoreTest.drain(model));
  }
}

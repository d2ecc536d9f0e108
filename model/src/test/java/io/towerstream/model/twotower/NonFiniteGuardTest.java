package io.towerstream.model.twotower;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelStats;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.StepResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NonFiniteGuardTest {
  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(16)
          .batchSize(32)
          .reservoirNegatives(8)
          .reservoirCapacity(100)
          .seed(2)
          .build();

  @Test
  void aBatchWithNonFiniteLossIsSkippedCountedAndChangesNothing() {
    List<List<Interaction>> batches = TestStreams.batches(80, 60, 32, 6, 4);
    OnlineModel model = TwoTowerModels.create(CONFIG);
    for (List<Interaction> batch : batches.subList(0, 4)) {
      model.train(batch);
    }
    byte[] before = model.snapshot();

    // Same state, but a temperature so small that 1/τ overflows float: every logit becomes ±∞ or
    // NaN.
    OnlineModel poisoned =
        TwoTowerModels.restore(before, CONFIG.toBuilder().temperature(1e-40f).build());
    List<Interaction> batch = new ArrayList<>(batches.get(4));
    batch.add(new Interaction("brand-new-user", "brand-new-item"));
    StepResult result = poisoned.train(batch);

    assertThat(result.skipped()).isTrue();
    assertThat(result.loss()).isNaN();
    ModelStats stats = poisoned.stats();
    assertThat(stats.skippedBatches()).isEqualTo(1);
    assertThat(stats.batches()).isEqualTo(4);
    assertThat(poisoned.userVector("brand-new-user")).as("no row created").isNull();
    assertThat(poisoned.itemVector("brand-new-item")).isNull();

    byte[] after = poisoned.snapshot();
    assertThat(after).hasSameSizeAs(before);
    int differing = 0;
    for (int i = 0; i < before.length; i++) {
      differing += before[i] != after[i] ? 1 : 0;
    }
    assertThat(differing)
        .as("only the skipped counter and the checksum differ")
        .isLessThanOrEqualTo(16);

    // Continuing from the skipped state is the same as never having seen the poisoned batch: rows,
    // optimizer state, frequency estimates, reservoir and random generators are all untouched.
    OnlineModel resumed = TwoTowerModels.restore(after, CONFIG);
    OnlineModel reference = TwoTowerModels.restore(before, CONFIG);
    assertThat(resumed.train(batches.get(5)).loss())
        .isEqualTo(reference.train(batches.get(5)).loss());
    assertThat(SnapshotRestoreTest.drain(resumed))
        .containsExactlyElementsOf(SnapshotRestoreTest.drain(reference));
  }
}

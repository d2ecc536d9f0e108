package io.towerstream.model.prior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PopularityPriorTest {

  @Test
  void aClickCountsHalfAfterOneHalfLife() {
    PopularityPrior p = new PopularityPrior(100);
    p.observe(0, 0);
    assertThat(p.decayedCount(0, 0)).isCloseTo(1.0, within(1e-12));
    assertThat(p.decayedCount(0, 100)).isCloseTo(0.5, within(1e-12));
    p.observe(0, 100);
    assertThat(p.decayedCount(0, 200)).isCloseTo(0.75, within(1e-12));
  }

  @Test
  void biasRanksItemsAsTheirDecayedCountsDoAtAnyLaterTime() {
    // An old burst of clicks loses to a few recent ones: the prior is recent popularity, not
    // popularity.
    PopularityPrior p = new PopularityPrior(50);
    for (int n = 0; n < 20; n++) {
      p.observe(0, n); // 20 clicks long ago
    }
    for (int n = 400; n < 403; n++) {
      p.observe(1, n); // 3 recent clicks
    }
    assertThat(p.decayedCount(1, 410)).isGreaterThan(p.decayedCount(0, 410));
    assertThat(p.bias(1, 0.5f)).isGreaterThan(p.bias(0, 0.5f));
    // and the bias difference is w · log of the decayed count ratio, whatever the current time
    double ratio = Math.log(p.decayedCount(1, 410) / p.decayedCount(0, 410));
    assertThat((double) (p.bias(1, 0.5f) - p.bias(0, 0.5f))).isCloseTo(0.5 * ratio, within(1e-4));
  }

  @Test
  void rebasingShiftsEveryItemEquallyAndKeepsDecayedCounts() {
    PopularityPrior p = new PopularityPrior(1);
    Random random = new Random(5);
    long n = 0;
    for (; n < 1500; n++) {
      p.observe(random.nextInt(4), n);
    }
    double[] before = new double[4];
    for (int i = 0; i < 4; i++) {
      before[i] = p.logMass(i);
    }
    assertThat(p.rebaseIfNeeded(n)).isTrue(); // λ·n = 0.69 · 1500 > 1000
    assertThat(p.rebaseIfNeeded(n)).isFalse();
    for (int i = 0; i < 4; i++) {
      assertThat(p.logMass(i) - p.logMass(0)).isCloseTo(before[i] - before[0], within(1e-9));
      assertThat(p.logMass(i)).isLessThan(1);
    }
  }

  @Test
  void unknownItemsAndAZeroWeightGiveNoBias() {
    PopularityPrior p = new PopularityPrior(10);
    assertThat(p.bias(3, 1f)).isZero();
    p.observe(3, 5);
    assertThat(p.bias(3, 0f)).isZero();
    p.reset(3);
    assertThat(p.bias(3, 1f)).isZero();
  }

  @Test
  void snapshotRoundTrips() {
    PopularityPrior p = new PopularityPrior(10);
    p.observe(0, 1);
    p.observe(2, 7);
    SnapshotWriter out = new SnapshotWriter();
    p.writeTo(out, 3);
    byte[] bytes = out.toByteArrayWithChecksum();
    PopularityPrior read =
        PopularityPrior.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), 3, 10);
    for (int i = 0; i < 3; i++) {
      assertThat(read.logMass(i)).isEqualTo(p.logMass(i));
    }
  }
}

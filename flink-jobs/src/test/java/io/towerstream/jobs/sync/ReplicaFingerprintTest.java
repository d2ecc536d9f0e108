package io.towerstream.jobs.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.ReplicaDelta;
import io.towerstream.model.twotower.TwoTowerModels;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two real replicas exchanging deltas: their fingerprints agree to rounding, and a delta applied
 * twice or never sets them apart by far more than that.
 */
class ReplicaFingerprintTest {
  /** What replicas that applied the same deltas may differ by (the ITCases use it too). */
  static final double AGREE = 1e-4;

  private static final ModelConfig CONFIG =
      ModelConfig.builder()
          .dim(16)
          .batchSize(32)
          .reservoirNegatives(8)
          .reservoirCapacity(40)
          .seed(5)
          .build();

  @Test
  void replicasThatApplyEachOthersDeltasOnceAgree() {
    Replicas r = new Replicas();
    double before = r.fa.update();
    for (int round = 0; round < 4; round++) {
      ReplicaDelta[] d = r.trainRound(round);
      r.a.applyReplicaDelta(d[1]);
      r.b.applyReplicaDelta(d[0]);
      assertThat(r.fb.update()).isCloseTo(r.fa.update(), within(AGREE));
    }
    assertThat(Math.abs(r.fa.update() - before)).as("training moved it").isGreaterThan(1);
  }

  @Test
  void aDeltaAppliedTwiceOrNeverSetsTheReplicasApart() {
    Replicas twice = new Replicas();
    Replicas never = new Replicas();
    for (int round = 0; round < 4; round++) {
      ReplicaDelta[] d = twice.trainRound(round);
      twice.a.applyReplicaDelta(d[1]);
      twice.b.applyReplicaDelta(d[0]);
      ReplicaDelta[] e = never.trainRound(round);
      never.a.applyReplicaDelta(e[1]);
      if (round != 2) {
        never.b.applyReplicaDelta(e[0]);
      } else {
        twice.b.applyReplicaDelta(d[0]); // a redelivered delta the ledger failed to drop
      }
    }
    assertThat(Math.abs(twice.fa.update() - twice.fb.update())).isGreaterThan(100 * AGREE);
    assertThat(Math.abs(never.fa.update() - never.fb.update())).isGreaterThan(100 * AGREE);
  }

  @Test
  void aRestoredReplicaStartsWithEveryItem() {
    Replicas r = new Replicas();
    r.trainRound(0);
    OnlineModel restored = TwoTowerModels.restore(r.a.snapshot(), CONFIG);
    assertThat(new ReplicaFingerprint(restored).update())
        .isCloseTo(r.fa.update(), within(1e-9))
        .isNotZero();
  }

  /** Two replicas of one model, each with its fingerprint, trained on streams of their own. */
  private static final class Replicas {
    final OnlineModel a = replica();
    final OnlineModel b = replica();
    final ReplicaFingerprint fa = new ReplicaFingerprint(a);
    final ReplicaFingerprint fb = new ReplicaFingerprint(b);

    /** Five batches on each replica; returns their deltas. */
    ReplicaDelta[] trainRound(int round) {
      for (int k = 0; k < 5; k++) {
        a.train(batch(2 * (round * 5 + k)));
        b.train(batch(2 * (round * 5 + k) + 1));
      }
      return new ReplicaDelta[] {a.takeReplicaDelta(), b.takeReplicaDelta()};
    }
  }

  private static OnlineModel replica() {
    OnlineModel m = TwoTowerModels.create(CONFIG);
    m.trackReplicaDelta();
    return m;
  }

  private static List<Interaction> batch(int seed) {
    Random random = new Random(seed);
    List<Interaction> out = new ArrayList<>();
    for (int k = 0; k < CONFIG.batchSize(); k++) {
      out.add(
          new Interaction(
              "u" + random.nextInt(60),
              "i" + random.nextInt(120),
              1f,
              1_700_000_000_000L + seed * 1000L + k));
    }
    return out;
  }
}

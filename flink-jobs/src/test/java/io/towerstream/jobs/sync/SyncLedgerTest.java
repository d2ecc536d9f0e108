package io.towerstream.jobs.sync;

import static io.towerstream.jobs.sync.SyncLedger.Verdict.APPLY;
import static io.towerstream.jobs.sync.SyncLedger.Verdict.ORPHAN;
import static io.towerstream.jobs.sync.SyncLedger.Verdict.OWN;
import static io.towerstream.jobs.sync.SyncLedger.Verdict.REPEAT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncLedgerTest {
  private static final long GEN = 7;

  @Test
  void siblingsOfThisRunApplyOnceAndOwnDeltasAndOtherRunsNever() {
    SyncLedger ledger = SyncLedger.fresh(1, GEN);
    assertThat(ledger.accept(2, GEN, 1)).isEqualTo(APPLY);
    assertThat(ledger.accept(2, GEN, 1)).isEqualTo(REPEAT);
    assertThat(ledger.accept(2, GEN, 2)).isEqualTo(APPLY);
    assertThat(ledger.accept(1, GEN, 1)).isEqualTo(OWN);
    assertThat(ledger.accept(3, GEN + 1, 1))
        .as("a run this one did not start or restore")
        .isEqualTo(ORPHAN);
    assertThat(ledger.gaps()).isZero();
    assertThat(ledger.accept(2, GEN, 5)).isEqualTo(APPLY);
    assertThat(ledger.gaps()).as("3 and 4 never came").isEqualTo(1);
  }

  @Test
  void aRestoredLedgerTakesWhatTheCheckpointOwedAndNothingSentAfterIt() {
    // old subtask 0 (origin 10) had sent 4 and applied 2 of origin 11's 5; origin 11 had sent 5
    SyncLedger.Saved base =
        new SyncLedger.Saved(10, 4, java.util.Map.of(11L, 2L), java.util.Map.of());
    SyncLedger.Saved other =
        new SyncLedger.Saved(11, 5, java.util.Map.of(10L, 4L), java.util.Map.of());
    SyncLedger ledger = SyncLedger.restored(20, GEN + 1, base, List.of(base, other));
    assertThat(ledger.openOrigins()).as("origin 10 is complete in the base").isEqualTo(1);
    assertThat(ledger.accept(10, GEN, 3)).as("already in the base replica").isEqualTo(ORPHAN);
    assertThat(ledger.accept(11, GEN, 2)).isEqualTo(REPEAT);
    assertThat(ledger.accept(11, GEN, 3)).isEqualTo(APPLY);
    assertThat(ledger.accept(11, GEN, 4)).isEqualTo(APPLY);
    assertThat(ledger.accept(11, GEN, 5)).isEqualTo(APPLY);
    assertThat(ledger.openOrigins()).isZero();
    assertThat(ledger.accept(11, GEN, 6))
        .as("sent after the barrier: rolled back")
        .isEqualTo(ORPHAN);
    assertThat(ledger.accept(21, GEN + 1, 1)).as("a sibling of the restored run").isEqualTo(APPLY);
  }

  @Test
  void deltasStillOwedAreCarriedIntoTheNextCheckpoint() throws Exception {
    SyncLedger.Saved base = new SyncLedger.Saved(10, 4, java.util.Map.of(), java.util.Map.of());
    SyncLedger.Saved other = new SyncLedger.Saved(11, 5, java.util.Map.of(), java.util.Map.of());
    SyncLedger first = SyncLedger.restored(20, GEN, base, List.of(base, other));
    first.accept(11, GEN - 1, 1);
    first.nextSequence();
    SyncLedger.Saved saved = roundTrip(first.save());
    assertThat(saved.sent()).isEqualTo(1);
    SyncLedger second = SyncLedger.restored(30, GEN + 1, saved, List.of(saved));
    assertThat(second.accept(11, GEN - 1, 1)).isEqualTo(REPEAT);
    assertThat(second.accept(11, GEN - 1, 2)).as("owed since two restores").isEqualTo(APPLY);
    assertThat(second.accept(20, GEN, 1))
        .as("the previous run's own, in the base")
        .isEqualTo(ORPHAN);
    assertThat(second.accept(20, GEN, 2)).as("sent by it after its barrier").isEqualTo(ORPHAN);
  }

  private static SyncLedger.Saved roundTrip(SyncLedger.Saved s) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      s.writeTo(out);
    }
    return SyncLedger.Saved.readFrom(
        new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
  }
}

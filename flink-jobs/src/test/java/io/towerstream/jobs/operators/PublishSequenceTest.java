package io.towerstream.jobs.operators;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class PublishSequenceTest {
  private static final long FIRST = PublishSequence.EPOCH_OFFSET << 32;

  @Test
  void aFreshRunCountsUpFromEpochZeroAndABarrierStartsTheNextEpoch() {
    PublishSequence s = new PublishSequence(0, OptionalLong.empty(), false);
    assertThat(s.withheld()).isFalse();
    assertThat(s.next()).isEqualTo(FIRST);
    assertThat(s.next()).isEqualTo(FIRST + 1);
    assertThat(s.barrier(6)).as("nothing was withheld").isFalse();
    assertThat(s.next()).isEqualTo((PublishSequence.EPOCH_OFFSET + 7) << 32);
    assertThat(s.last()).isEqualTo((PublishSequence.EPOCH_OFFSET + 7) << 32);
  }

  @Test
  void anOlderBarrierNeverLowersTheEpoch() {
    PublishSequence s = new PublishSequence(0, OptionalLong.empty(), false);
    s.barrier(9);
    long first = s.next();
    s.barrier(3);
    assertThat(s.next()).isEqualTo(first + 1);
  }

  @Test
  void aRestoredRunWaitsForItsFirstBarrierAndThenSortsAboveTheLostRun() {
    // the lost run published up to checkpoint 12's epoch, past the checkpoint 5 restored here
    long lostRunsLast = ((PublishSequence.EPOCH_OFFSET + 12) << 32) + 40;
    PublishSequence s = new PublishSequence(lostRunsLast, OptionalLong.of(5), true);
    assertThat(s.withheld()).isTrue();
    assertThat(s.barrier(13)).as("the first barrier releases what waited").isTrue();
    assertThat(s.withheld()).isFalse();
    assertThat(s.next())
        .isGreaterThan(lostRunsLast)
        .isEqualTo((PublishSequence.EPOCH_OFFSET + 14) << 32);
    assertThat(s.barrier(14)).as("only the first").isFalse();
  }

  @Test
  void aTakenOverSequenceKeepsIncreasingWithinTheEpoch() {
    PublishSequence s = new PublishSequence(FIRST + 41, OptionalLong.of(0), false);
    assertThat(s.next()).isEqualTo(FIRST + 42);
  }

  @Test
  void theCheckpointEpochIsTheCheckpointThatCommitsWhatGoesOutNow() {
    assertThat(new PublishSequence(0, OptionalLong.empty(), false).checkpointEpoch()).isEqualTo(1);
    PublishSequence s = new PublishSequence(0, OptionalLong.of(5), true);
    assertThat(s.checkpointEpoch()).isEqualTo(6);
    s.barrier(6);
    assertThat(s.checkpointEpoch()).as("until its state is taken").isEqualTo(6);
    s.checkpointTaken(6);
    assertThat(s.checkpointEpoch()).isEqualTo(7);
  }
}

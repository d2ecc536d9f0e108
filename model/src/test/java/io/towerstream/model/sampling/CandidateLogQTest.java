package io.towerstream.model.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class CandidateLogQTest {
  @Test
  void combinesInBatchAndReservoirExpectedCounts() {
    assertThat(CandidateLogQ.of(0.1, 0.0, 64)).isCloseTo(Math.log(0.1), within(1e-12));
    assertThat(CandidateLogQ.of(0.1, 0.01, 64)).isCloseTo(Math.log(0.1 + 0.64), within(1e-12));
  }

  @Test
  void aTailItemTheReservoirProposesOftenIsNotTreatedAsRare() {
    double tailInBatchOnly = CandidateLogQ.of(0.001, 0.0, 64);
    double tailAlsoInReservoir = CandidateLogQ.of(0.001, 0.02, 64);
    assertThat(tailAlsoInReservoir).isGreaterThan(tailInBatchOnly + 5);
  }
}

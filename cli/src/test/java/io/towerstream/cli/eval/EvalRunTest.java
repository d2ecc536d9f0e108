package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class EvalRunTest {
  @Test
  void anEvalWaitsLongForPartialBatchesUnlessTheJobOptionsSayOtherwise() {
    assertThat(EvalRun.withReplayBatchWait(List.of("--model.batch-size", "64")))
        .containsExactly(
            "--batch.max-wait-ms", EvalRun.REPLAY_BATCH_WAIT_MS, "--model.batch-size", "64");
    assertThat(EvalRun.withReplayBatchWait(List.of("--batch.max-wait-ms", "10")))
        .containsExactly("--batch.max-wait-ms", "10");
    assertThat(EvalRun.withReplayBatchWait(List.of("--batch.max-wait-ms=10")))
        .containsExactly("--batch.max-wait-ms=10");
  }
}

package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThatThrownBy(() -> EvalRun.withReplayBatchWait(List.of("--model.dimm", "8")))
        .as("a misspelt option fails here as the job would, naming the nearest")
        .hasMessageContaining("did you mean --model.dim?");
  }

  @Test
  void nextClickSetsTheTrainersEvaluationExceptWhatTheUserChose() {
    NextClickWindow window = new NextClickWindow(100, 78, 26_000);
    assertThat(
            EvalRun.jobArgs(
                List.of("--eval.prequential.sample-rate", "0.5", "--eval.prequential.window=9"),
                window))
        .containsExactly(
            "--eval.prequential.budget",
            "0",
            "--eval.prequential.from-time",
            "26000",
            "--eval.prequential.sample-rate",
            "0.5",
            "--eval.prequential.window=9");
    assertThat(EvalRun.jobArgs(List.of("--model.dim", "8"), null))
        .as("frozen leaves the evaluation as the job has it")
        .containsExactly("--model.dim", "8");
  }

  @Test
  void aSkippedEaseIsNamedInTheJsonWithItsReasonAndLeftOutOfTheTable() {
    java.util.Map<String, Double> m =
        java.util.Map.of("recall@10", 0.1, "ndcg@10", 0.2, "users", 5.0);
    EvalReport report =
        new EvalReport(
            "big.csv",
            0.8,
            100,
            5,
            new int[] {10},
            m,
            new io.towerstream.model.eval.Baselines.Result(m, m, null, Double.NaN, "9 items > 3"),
            0,
            1.0);
    assertThat(report.json())
        .contains("\"ease\":{\"skipped\":\"9 items > 3\"}")
        .contains("\"popularity\":{\"recall@10\":0.1");
    assertThat(report.table()).contains("ease skipped: 9 items > 3").doesNotContain("ease(");
  }

  @Test
  void theColdStartProtocolIsARowOfItsOwnWithItsUsers() {
    java.util.Map<String, Double> m =
        java.util.Map.of("recall@10", 0.1, "ndcg@10", 0.2, "users", 5.0);
    java.util.Map<String, Double> cold =
        java.util.Map.of("recall@10", 0.05, "ndcg@10", 0.03, "users", 2.0);
    EvalReport report =
        new EvalReport(
            "u.data",
            0.8,
            100,
            5,
            new int[] {10},
            m,
            new io.towerstream.model.eval.Baselines.Result(m, m, null, Double.NaN, "9 items > 3"),
            0,
            1.0,
            cold);
    assertThat(report.json())
        .contains("\"coldStart\":{\"recall@10\":0.05,\"ndcg@10\":0.03,\"users\":2.0}");
    assertThat(report.table()).contains("coldStart").contains("on the 2 test users");
  }
}

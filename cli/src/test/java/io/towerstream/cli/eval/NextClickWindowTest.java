package io.towerstream.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.data.ClickRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NextClickWindowTest {
  /** {@code n} clicks, {@code perSecond} of them sharing each timestamp. */
  private static List<ClickRecord> clicks(int n, int perSecond) {
    List<ClickRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new ClickRecord("u" + i % 7, "i" + i % 5, 1_000L * (i / perSecond), i + 1));
    }
    return out;
  }

  @Test
  void withoutTiesTheWindowStartsAtTheSplitPoint() {
    NextClickWindow w = NextClickWindow.of(clicks(100, 1), 0.8);
    assertThat(w.start()).isEqualTo(80);
    assertThat(w.startTimeMillis()).isEqualTo(80_000);
    assertThat(w.judged()).isEqualTo(20);
  }

  @Test
  void clicksSharingTheSplitPointsTimestampAreAllJudged() {
    // click 80 shares second 26 with clicks 78 and 79: the trainer, selecting by time, judges them
    NextClickWindow w = NextClickWindow.of(clicks(100, 3), 0.8);
    assertThat(w.start()).isEqualTo(78);
    assertThat(w.startTimeMillis()).isEqualTo(26_000);
    assertThat(w.judged()).isEqualTo(22);
  }

  @Test
  void theTrainersEvaluatorIsSetToJudgeExactlyTheWindow() {
    NextClickWindow w = NextClickWindow.of(clicks(100, 3), 0.8);
    assertThat(w.evaluatorArgs())
        .containsEntry("--eval.prequential.sample-rate", "1")
        .containsEntry("--eval.prequential.budget", "0")
        .containsEntry("--eval.prequential.window", "22")
        .containsEntry("--eval.prequential.from-time", "26000");
  }

  @Test
  void anEmptyLogHasNoWindow() {
    assertThatThrownBy(() -> NextClickWindow.of(List.of(), 0.8)).hasMessageContaining("empty");
  }
}

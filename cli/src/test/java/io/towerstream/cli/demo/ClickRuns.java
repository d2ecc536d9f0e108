package io.towerstream.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.data.ClickRecord;
import java.time.Duration;
import java.util.List;

/** Replays clicks into a running {@link DemoStack} and waits until the store holds the result. */
public final class ClickRuns {
  private ClickRuns() {}

  /**
   * Produces {@code clicks} as fast as the broker takes them, then waits (2 minutes at most) until
   * every one is trained and the store has consumed every update published.
   */
  public static void replayAndAwait(DemoStack stack, List<ClickRecord> clicks) throws Exception {
    try (ClickReplayer replayer =
        new ClickReplayer(stack.bootstrapServers(), stack.clicksTopic())) {
      replayer.replay(clicks.iterator(), 0);
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (stack.store().status().eventsTrained() < clicks.size() && System.nanoTime() < deadline) {
      Thread.sleep(200);
    }
    assertThat(stack.store().status().eventsTrained()).isEqualTo(clicks.size());
    assertThat(stack.store().awaitCaughtUp(Duration.ofSeconds(30))).isTrue();
  }
}

package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselinesTest {
  @Test
  void easeRunsUpToItsCatalogueLimitAndAboveItSaysWhyItWasSkipped() {
    Random random = new Random(8);
    List<Interaction> stream = new ArrayList<>();
    for (int t = 0; t < 3000; t++) {
      stream.add(
          new Interaction("u" + random.nextInt(100), "i" + random.nextInt(60), 1f, t * 1000L));
    }
    TemporalSplit split = new TemporalSplit(stream, 0.8);
    Baselines.Result solved = Baselines.evaluateWithEaseUpTo(split, 1000, 10);
    assertThat(solved.ease()).containsKey("recall@10");
    assertThat(solved.easeSkipped()).isNull();
    assertThat(solved.easeLambda()).isIn((Object[]) boxed(Baselines.EASE_LAMBDAS));

    Baselines.Result skipped = Baselines.evaluateWithEaseUpTo(split, 10, 10);
    assertThat(skipped.ease()).isNull();
    assertThat(skipped.easeLambda()).isNaN();
    assertThat(skipped.easeSkipped()).contains(split.items.size() + " items > 10");
    assertThat(skipped.popularity()).isEqualTo(solved.popularity());
    assertThat(skipped.recentPopularity()).isEqualTo(solved.recentPopularity());
  }

  /** The progress a bar shows adds up to the work announced, with EASE and without. */
  @Test
  void progressReportsExactlyTheAnnouncedUnits() {
    Random random = new Random(9);
    List<Interaction> stream = new ArrayList<>();
    for (int t = 0; t < 2000; t++) {
      stream.add(
          new Interaction("u" + random.nextInt(80), "i" + random.nextInt(50), 1f, t * 1000L));
    }
    TemporalSplit split = new TemporalSplit(stream, 0.8);
    for (int easeMax : new int[] {1000, 10}) {
      java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
      Baselines.Result r = Baselines.evaluateWithEaseUpTo(split, easeMax, done::addAndGet, 10);
      assertThat(done.get())
          .as("EASE up to %d items", easeMax)
          .isEqualTo(Baselines.workUnits(split, easeMax));
      assertThat(r.popularity())
          .isEqualTo(Baselines.evaluateWithEaseUpTo(split, easeMax, 10).popularity());
    }
    assertThat(Baselines.workUnits(split, 1000)).isGreaterThan(Baselines.workUnits(split, 10));
  }

  private static Double[] boxed(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}

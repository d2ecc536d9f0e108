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

  private static Double[] boxed(double[] values) {
    Double[] out = new Double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}

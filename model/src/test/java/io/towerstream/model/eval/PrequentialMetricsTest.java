package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PrequentialMetricsTest {
  private static final long[] RANKS = new Random(7).longs(37, -1, 40).toArray();

  @Test
  void aRestoreIntoTheSameWindowContinuesExactly() throws IOException {
    PrequentialMetrics straight = new PrequentialMetrics(8);
    PrequentialMetrics restored = new PrequentialMetrics(8);
    for (int k = 0; k < RANKS.length; k++) {
      straight.record(RANKS[k]);
      restored.record(RANKS[k]);
      if (k % 5 == 2) {
        restored = roundTrip(restored, 8);
      }
    }
    assertThat(restored.events()).isEqualTo(RANKS.length);
    assertThat(restored.windowed()).isEqualTo(straight.windowed());
    assertThat(restored.whole()).isEqualTo(straight.whole());
  }

  @Test
  void aSmallerWindowKeepsTheNewestEventsAndALargerOneOnlyWhatWasSaved() throws IOException {
    PrequentialMetrics eight = new PrequentialMetrics(8);
    PrequentialMetrics three = new PrequentialMetrics(3);
    for (long r : RANKS) {
      eight.record(r);
      three.record(r);
    }
    PrequentialMetrics narrowed = roundTrip(eight, 3);
    assertThat(narrowed.windowEvents()).isEqualTo(3);
    assertThat(narrowed.whole()).isEqualTo(eight.whole());
    narrowed
        .windowed()
        .forEach(
            (name, v) ->
                assertThat(v).as(name).isCloseTo(three.windowed().get(name), within(1e-12)));

    PrequentialMetrics widened = roundTrip(eight, 20);
    assertThat(widened.windowEvents()).as("the 8 saved ranks, not 20").isEqualTo(8);
    eight
        .windowed()
        .forEach(
            (name, v) ->
                assertThat(widened.windowed().get(name)).as(name).isCloseTo(v, within(1e-12)));
    widened.record(0);
    assertThat(widened.windowEvents()).isEqualTo(9);
    assertThat(widened.events()).isEqualTo(RANKS.length + 1);
  }

  private static PrequentialMetrics roundTrip(PrequentialMetrics m, int window) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      m.writeTo(out);
    }
    PrequentialMetrics back = new PrequentialMetrics(window);
    back.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    return back;
  }
}

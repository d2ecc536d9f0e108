package io.towerstream.model.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.random.SeededRandom;
import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayBufferTest {
  private static List<Interaction> clicks(int from, int to) {
    List<Interaction> out = new ArrayList<>();
    for (int k = from; k < to; k++) {
      out.add(new Interaction("u" + k, "i" + k, 1f + k, 1_000L * k));
    }
    return out;
  }

  @Test
  void keepsTheNewestUpToItsCapacityOldestFirst() {
    ReplayBuffer b = new ReplayBuffer(4);
    assertThat(b.draw(3, new SeededRandom(1))).as("nothing to replay yet").isEmpty();
    b.addAll(clicks(0, 3));
    assertThat(b.contents()).isEqualTo(clicks(0, 3));
    b.addAll(clicks(3, 7));
    assertThat(b.size()).isEqualTo(4);
    assertThat(b.contents()).isEqualTo(clicks(3, 7));
  }

  @Test
  void drawsUniformlyFromWhatItHoldsAndDeterministically() {
    ReplayBuffer b = new ReplayBuffer(5);
    b.addAll(clicks(0, 5));
    List<Interaction> draws = b.draw(10_000, new SeededRandom(7));
    assertThat(b.draw(10_000, new SeededRandom(7))).isEqualTo(draws);
    Map<Interaction, Integer> counts = new HashMap<>();
    draws.forEach(e -> counts.merge(e, 1, Integer::sum));
    assertThat(counts).hasSize(5);
    counts.values().forEach(c -> assertThat(c).isBetween(1_800, 2_200));
  }

  @Test
  void survivesASnapshotAndAReadIntoASmallerBufferKeepsTheNewest() {
    ReplayBuffer b = new ReplayBuffer(6);
    b.addAll(clicks(0, 9));
    SnapshotWriter out = new SnapshotWriter();
    b.writeTo(out);
    byte[] bytes = out.toByteArray();
    assertThat(ReplayBuffer.readFrom(SnapshotReader.over(bytes, 0, bytes.length), 6).contents())
        .isEqualTo(b.contents());
    assertThat(ReplayBuffer.readFrom(SnapshotReader.over(bytes, 0, bytes.length), 2).contents())
        .isEqualTo(clicks(7, 9));
  }

  @Test
  void refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new ReplayBuffer(0)).isInstanceOf(IllegalArgumentException.class);
  }
}

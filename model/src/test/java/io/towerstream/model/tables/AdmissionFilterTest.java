package io.towerstream.model.tables;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.snapshot.SnapshotReader;
import io.towerstream.model.snapshot.SnapshotWriter;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AdmissionFilterTest {
  @Test
  void anIdIsAdmittedAtItsMinCountthSightingAcrossBatchesAndWithinOne() {
    AdmissionFilter f = new AdmissionFilter(3, 100);
    AdmissionFilter.Sightings first = f.begin();
    assertThat(first.sight("a", false)).isFalse();
    assertThat(first.sight("a", false)).isFalse();
    assertThat(f.count("a")).as("staged, not applied").isZero();
    f.commit(first, id -> false);
    assertThat(f.count("a")).isEqualTo(2);

    AdmissionFilter.Sightings second = f.begin();
    assertThat(second.sight("a", false)).isTrue();
    assertThat(second.sight("known", true)).as("an id with a row needs no count").isTrue();
    f.commit(second, Set.of("a")::contains);
    assertThat(f.count("a")).as("admitted ids stop being pending").isZero();
    assertThat(f.pendingIds()).isZero();
  }

  @Test
  void theBoundForgetsTheLeastRecentlySightedIdFirst() {
    AdmissionFilter f = new AdmissionFilter(5, 2);
    sight(f, "a");
    sight(f, "b");
    sight(f, "a"); // b is now the least recently sighted
    sight(f, "c");
    assertThat(f.count("a")).isEqualTo(2);
    assertThat(f.count("b")).isZero();
    assertThat(f.count("c")).isEqualTo(1);
  }

  @Test
  void countsAndTheirOrderSurviveASnapshot() {
    AdmissionFilter f = new AdmissionFilter(5, 3);
    sight(f, "a");
    sight(f, "b");
    sight(f, "a");
    SnapshotWriter out = new SnapshotWriter();
    f.writeTo(out);
    byte[] bytes = out.toByteArrayWithChecksum();
    AdmissionFilter copy =
        AdmissionFilter.readFrom(SnapshotReader.over(bytes, 0, bytes.length - 8), 5, 3);
    sight(f, "c");
    sight(f, "d");
    sight(copy, "c");
    sight(copy, "d");
    assertThat(copy.count("a")).isEqualTo(f.count("a")).isEqualTo(2);
    assertThat(copy.count("b")).isEqualTo(f.count("b")).isZero();
  }

  @Test
  void minCountOneAdmitsEverythingWithoutCounting() {
    AdmissionFilter f = new AdmissionFilter(1, 10);
    AdmissionFilter.Sightings s = f.begin();
    assertThat(s.sight("a", false)).isTrue();
    f.commit(s, id -> false);
    assertThat(f.admitsAll()).isTrue();
    assertThat(f.pendingIds()).isZero();
  }

  private static void sight(AdmissionFilter f, String id) {
    AdmissionFilter.Sightings s = f.begin();
    s.sight(id, false);
    f.commit(s, x -> false);
  }
}

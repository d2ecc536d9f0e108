package io.towerstream.model.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalSplitTest {

  private static Interaction e(String u, String i, long t) {
    return new Interaction(u, i, 1f, t);
  }

  @Test
  void theColdStartSplitRanksKnownUnseenItemsAndKeepsOnlyThemRelevant() {
    List<Interaction> s =
        List.of(
            e("a", "x", 1),
            e("b", "y", 2),
            e("c", "x", 3),
            // test part
            e("a", "new1", 4),
            e("a", "y", 5),
            e("b", "new2", 6),
            e("c", "y", 7));
    TemporalSplit cold = new TemporalSplit(s, 3.0 / 7).coldStart(Set.of("x", "new1", "new2"));
    assertThat(cold.items).startsWith("x", "y").hasSize(4).contains("new1", "new2");
    assertThat(cold.itemIndex.get(cold.items.get(3))).isEqualTo(3);
    assertThat(cold.relevant)
        .as("only the cold items count; c clicked none")
        .containsOnlyKeys("a", "b");
    assertThat(cold.relevant.get("a")).containsExactly("new1");
    assertThat(cold.relevant.get("b")).containsExactly("new2");
    assertThat(cold.trainItems.get("a")).containsExactly(0);
  }

  @Test
  void testUsersAndRelevantItemsFollowTheProtocol() {
    List<Interaction> s =
        List.of(
            e("a", "x", 1),
            e("a", "y", 2),
            e("b", "x", 3),
            e("c", "z", 4),
            e("a", "w", 5),
            // test part (last 5 of 10)
            e("a", "x", 6),
            e("a", "z", 7),
            e("b", "q", 8),
            e("d", "x", 9),
            e("c", "z", 10));
    TemporalSplit split = new TemporalSplit(s, 0.5);
    assertThat(split.items).containsExactly("x", "y", "z", "w");
    // a: x was a training item (not relevant), z is; b: q unseen in training still counts (a miss
    // for all); c: only a repeat → not a test user; d: no training events → not a test user.
    assertThat(split.relevant).containsOnlyKeys("a", "b");
    assertThat(split.relevant.get("a")).containsExactly("z");
    assertThat(split.relevant.get("b")).containsExactly("q");
    assertThat(split.trainItems.get("a")).isEqualTo(Set.of(0, 1, 3));
  }

  @Test
  void movieLensIsSortedByTimestampThenLine(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("u.data"), "1\t10\t5\t300\n2\t20\t3\t100\n3\t30\t4\t300\n4\t40\t1\t200\n");
    List<Interaction> read = ClickFileReader.readInteractions(dir, ClickFileFormat.MOVIELENS);
    assertThat(read).extracting(Interaction::userId).containsExactly("2", "4", "1", "3");
    assertThat(read.get(0).eventTimeMillis()).isEqualTo(100_000L);
  }

  @Test
  void csvSkipsHeader(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.csv");
    Files.writeString(f, "user,item,timestamp\nu1,i1,5\nu2,i2,3\n");
    assertThat(ClickFileReader.readInteractions(f, ClickFileFormat.CSV))
        .extracting(Interaction::itemId)
        .containsExactly("i2", "i1");
  }
}

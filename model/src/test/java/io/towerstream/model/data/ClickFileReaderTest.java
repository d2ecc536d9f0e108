package io.towerstream.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClickFileReaderTest {

  @Test
  void movielensIsSortedByTimestampThenLineNumber(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("u.data");
    Files.writeString(file, "1\t10\t5\t300\n2\t20\t3\t100\n3\t30\t4\t300\n4\t40\t1\t200\n");
    List<ClickRecord> records = ClickFileReader.readSorted(file, ClickFileFormat.MOVIELENS);
    assertThat(records).extracting(ClickRecord::userId).containsExactly("2", "4", "1", "3");
    assertThat(records.get(0).timestampMillis()).isEqualTo(100_000L);
  }

  @Test
  void csvSkipsAHeaderAndKeepsMillisecondTimestamps(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, "user,item,timestamp\nalice,book,1700000000000\nbob,pen,1600000000\n");
    List<ClickRecord> records = ClickFileReader.readSorted(file, ClickFileFormat.CSV);
    assertThat(records).extracting(ClickRecord::itemId).containsExactly("pen", "book");
    assertThat(records.get(1).timestampMillis()).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void aMalformedLineFailsWithItsLineNumber(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.csv");
    Files.writeString(file, "a,b,1\nc,d\n");
    assertThatThrownBy(() -> ClickFileReader.readSorted(file, ClickFileFormat.CSV))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2");
    Files.writeString(file, "a,b,1\nc,d,yesterday\n");
    assertThatThrownBy(() -> ClickFileReader.readSorted(file, ClickFileFormat.CSV))
        .hasMessageContaining("not an integer");
    assertThatThrownBy(() -> ClickFileFormat.parse("parquet"))
        .hasMessageContaining("movielens or csv");
  }

  @Test
  void readsAllOfMovieLens100k() throws Exception {
    String dir = System.getProperty("towerstream.data.dir", "");
    assumeTrue(
        !dir.isBlank() && Files.exists(Path.of(dir, "u.data")),
        "MovieLens-100K not given: set TOWERSTREAM_DATA_DIR to the ml-100k folder to run this test");
    List<ClickRecord> records =
        ClickFileReader.readSorted(Path.of(dir, "u.data"), ClickFileFormat.MOVIELENS);
    assertThat(records).hasSize(100_000);
    assertThat(records.stream().map(ClickRecord::userId).distinct().count()).isEqualTo(943);
    assertThat(records.get(0).timestampMillis()).isEqualTo(874_724_710_000L);
  }

  @Test
  void csvIsUtf8AndOnlyItsFirstLineCanBeAHeader(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("c.csv");
    Files.writeString(file, "user,item,when\nzoë,café,1600000000\n", StandardCharsets.UTF_8);
    assertThat(ClickFileReader.readSorted(file, ClickFileFormat.CSV))
        .singleElement()
        .satisfies(r -> assertThat(r.userId() + "/" + r.itemId()).isEqualTo("zoë/café"));
    Files.writeString(file, "a,b,1\nc,d,2\nuser,item,timestamp\n");
    assertThatThrownBy(() -> ClickFileReader.readSorted(file, ClickFileFormat.CSV))
        .hasMessageContaining("line 3");
    Files.write(file, new byte[] {'a', ',', (byte) 0xC3, ',', '1', '\n'});
    assertThatThrownBy(() -> ClickFileReader.readSorted(file, ClickFileFormat.CSV))
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void aMovieLensDirectoryIsReadThroughItsUData(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("u.data"), "1\t10\t5\t300\n2\t20\t3\t100\n");
    assertThat(ClickFileReader.readInteractions(dir, ClickFileFormat.MOVIELENS))
        .extracting(i -> i.userId() + "@" + i.eventTimeMillis())
        .containsExactly("2@100000", "1@300000");
    assertThatThrownBy(() -> ClickFileReader.readSorted(dir, ClickFileFormat.CSV))
        .hasMessageContaining("no such data file");
  }
}

package io.towerstream.model.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.model.Interaction;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.TwoTowerModels;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotFormatTest {
  @Test
  void theCommittedVersion1FixtureLoadsAndIsResavedByteForByte() throws IOException {
    byte[] fixture = readFixture();
    OnlineModel model = TwoTowerModels.restore(fixture, SnapshotFixture.CONFIG);
    assertThat(model.snapshot()).isEqualTo(fixture);
    assertThat(model.stats().batches()).isEqualTo(10);
    assertThat(model.stats().users()).isEqualTo(8);
    assertThat(model.train(List.of(new Interaction("u1", "i1"), new Interaction("u2", "i3"))).skipped()).isFalse();
  }

  @Test
  void headerIsMagicVersionDimAndIsCheckedBeforeTheChecksum() throws IOException {
    byte[] fixture = readFixture();
    SnapshotReader header = SnapshotReader.over(fixture, 0, 12);
    assertThat(header.readInt()).isEqualTo(SnapshotFormat.MAGIC);
    assertThat(header.readInt()).isEqualTo(1);
    assertThat(header.readInt()).isEqualTo(4);

    byte[] future = fixture.clone();
    future[7] = 2; // version 2, checksum now stale: the version is what gets reported
    assertThatThrownBy(() -> SnapshotFormat.open(future, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown model snapshot format version 2");
  }

  @Test
  void readerReportsTruncationAndImpossibleLengthsAsCorruption() {
    SnapshotWriter out = new SnapshotWriter().writeInt(1_000_000).writeString("ok");
    byte[] bytes = out.toByteArrayWithChecksum();
    SnapshotReader in = SnapshotReader.over(bytes, 0, bytes.length - 8);
    assertThatThrownBy(() -> in.readLength(4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt");
    SnapshotReader strings = SnapshotReader.over(bytes, 4, bytes.length - 12);
    assertThat(strings.readString()).isEqualTo("ok");
    assertThatThrownBy(strings::readLong).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truncated");
  }

  private static byte[] readFixture() throws IOException {
    try (InputStream in = SnapshotFormatTest.class.getResourceAsStream(SnapshotFixture.RESOURCE)) {
      assertThat(in).as("fixture " + SnapshotFixture.RESOURCE).isNotNull();
      return in.readAllBytes();
    }
  }
}

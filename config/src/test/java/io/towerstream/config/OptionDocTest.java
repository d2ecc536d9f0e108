package io.towerstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionDocTest {
  @Test
  void aTableRowPerOptionWithCellsARendererCannotMisread() {
    String table =
        OptionDoc.markdownTable(
            List.of(
                new OptionDoc("index", "auto", "exact | hnsw | auto"),
                new OptionDoc(
                    "kafka-config-file", "", "--kafka.<property> value wins\nover the file"),
                new OptionDoc("sep", "a|b", "x")));
    assertThat(table.split("\n"))
        .containsExactly(
            "| option | default | meaning |",
            "|---|---|---|",
            "| `--index` | `auto` | exact \\| hnsw \\| auto |",
            "| `--kafka-config-file` |  | --kafka.&lt;property&gt; value wins over the file |",
            "| `--sep` | `a\\|b` | x |");
  }
}

package io.towerstream.cli.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.cli.commands.OptionsCommand;
import io.towerstream.cli.commands.TowerstreamCommand;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The option tables of docs/configuration.md are what the code parses: every option documented
 * once, in the code.
 */
class OptionTablesTest {
  private static final Path PAGE = Path.of("..").resolve(OptionsCommand.DEFAULT_TARGET);

  @Test
  void theConfigurationPagesOptionTablesAreTheOnesTheCodeGenerates() throws Exception {
    String page = Files.readString(PAGE, StandardCharsets.UTF_8);
    Map<String, String> tables = OptionTables.tables(TowerstreamCommand.commandLine(Map.of()));
    assertThat(OptionTables.update(page, tables))
        .as(
            "docs/configuration.md's option tables are stale: run `bin/towerstream options"
                + " --write docs/configuration.md`")
        .isEqualTo(page);
    assertThat(tables.get("job"))
        .contains("| `--model.dim` | `128` |", "| `--bootstrap-servers` |  |");
    assertThat(tables.get("store")).contains("| `--http-port` | `8080` |", "`--item-titles`");
    assertThat(tables.get("commands"))
        .contains(
            "<code>towerstream demo</code>",
            "TOWERSTREAM_BENCH_TRAIN_",
            "| `--job-metrics-port` | `9249` |");
  }

  @Test
  void theReadmeLeavesTheTablesToTheConfigurationPage() throws Exception {
    assertThat(Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8))
        .as("the option tables live in docs/configuration.md only")
        .doesNotContain("<!-- options:");
  }

  @Test
  void writeWithoutAValueTargetsTheConfigurationPage() {
    CommandLine options = new CommandLine(new OptionsCommand());
    assertThat(options.parseArgs("--write").matchedOptionValue("--write", Path.of("x")))
        .isEqualTo(Path.of("docs", "configuration.md"));
    assertThat(options.parseArgs("--write", "other.md").matchedOptionValue("--write", Path.of("x")))
        .isEqualTo(Path.of("other.md"));
  }

  @Test
  void aTableIsRewrittenBetweenItsMarkersAndAMissingRegionFails() {
    String readme = "intro\n<!-- options:job -->\nold\n<!-- /options:job -->\nrest\n";
    assertThat(OptionTables.update(readme, Map.of("job", "new\n")))
        .isEqualTo("intro\n<!-- options:job -->\nnew\n<!-- /options:job -->\nrest\n");
    assertThatThrownBy(() -> OptionTables.update(readme, Map.of("store", "x\n")))
        .hasMessageContaining("options:store");
  }

  @Test
  void theDefaultPhraseLeavesTheDescriptionForTheDefaultColumn() {
    assertThat(OptionTables.withoutDefault("HTTP port, 0 = any free (default: 8080).", "8080"))
        .isEqualTo("HTTP port, 0 = any free.");
    assertThat(OptionTables.withoutDefault("Format of --data. Default: movielens.", "movielens"))
        .isEqualTo("Format of --data.");
    assertThat(OptionTables.withoutDefault("Bias scale (default: 0, no bias).", "0"))
        .isEqualTo("Bias scale (no bias).");
    assertThat(OptionTables.withoutDefault("Port, 0 = any free (default).", "0"))
        .isEqualTo("Port, 0 = any free.");
    assertThat(OptionTables.withoutDefault("Default: the u.item beside --data.", ""))
        .as("a default in words stays")
        .isEqualTo("Default: the u.item beside --data.");
  }
}

package io.towerstream.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.towerstream.cli.demo.ClickStream;
import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;

/**
 * The synthetic stream the click-source options describe: its shape, each shape's own defaults for
 * the sizes left unset, and that the records are exactly what the shape's generator makes.
 */
class ClickSourceOptionsTest {

  @Command(name = "source")
  static final class Source {
    @Mixin ClickSourceOptions options;
  }

  @Test
  void theShapeIsPlantedWithTheSizesItAlwaysHadUnlessChosen() {
    ClickSourceOptions o = parse();
    assertThat(o.shape).isEqualTo(SyntheticShape.PLANTED);
    assertThat(o.synthetic()).isInstanceOf(PlantedClusterClicks.class);
    PlantedClusterClicks planted = (PlantedClusterClicks) o.synthetic();
    assertThat(planted.users()).isEqualTo(2_000);
    assertThat(planted.items()).isEqualTo(1_000);
    assertThat(planted.clusters()).isEqualTo(20);
    assertThat(planted.events()).isEqualTo(200_000);
    assertThat(o.name())
        .isEqualTo(
            "synthetic planted (2000 users, 1000 items, 20 clusters, 200000 events, seed 42)");
  }

  @Test
  void longTailWithNoOtherOptionIsLongTailClicksAtItsOwnDefaults() {
    ClickSourceOptions o = parse("--synthetic-shape", "long-tail");
    LongTailClicks expected = LongTailClicks.builder().build();
    assertThat(o.synthetic()).isInstanceOf(LongTailClicks.class);
    LongTailClicks got = (LongTailClicks) o.synthetic();
    assertThat(got.users()).isEqualTo(expected.users()).isEqualTo(6_000);
    assertThat(got.items()).isEqualTo(expected.items()).isEqualTo(12_000);
    assertThat(got.topics()).isEqualTo(expected.topics()).isEqualTo(300);
    assertThat(got.events()).isEqualTo(expected.events()).isEqualTo(60_000);
    // the seed shows only in the clicks: the first thousand are the generator's own
    assertThat(first(got, 1_000)).isEqualTo(first(expected, 1_000));
    assertThat(o.name())
        .isEqualTo(
            "synthetic long-tail (6000 users, 12000 items, 300 topics, 60000 events, seed 11)");
  }

  @Test
  void theSizeOptionsMapOntoTheLongTailBuilderAndTheRecordsAreItsClicksInOrder()
      throws IOException {
    ClickSourceOptions o =
        parse(
            "--synthetic-shape",
            "long-tail",
            "--synthetic-users",
            "40",
            "--synthetic-items",
            "90",
            "--synthetic-topics",
            "9",
            "--synthetic-events",
            "500",
            "--seed",
            "5");
    LongTailClicks generator =
        LongTailClicks.builder().users(40).items(90).topics(9).events(500).seed(5).build();
    List<ClickRecord> expected = new ArrayList<>();
    for (Interaction i : generator) {
      expected.add(
          new ClickRecord(i.userId(), i.itemId(), i.eventTimeMillis(), expected.size() + 1));
    }
    assertThat(o.records()).hasSize(500).isEqualTo(expected);
    ClickStream stream = o.stream();
    assertThat(stream.records()).containsExactlyElementsOf(expected);
    assertThat(stream.events()).isEqualTo(500);
    assertThat(stream.description())
        .isEqualTo(o.name())
        .isEqualTo("synthetic long-tail (40 users, 90 items, 9 topics, 500 events, seed 5)");
  }

  @Test
  void aSizeLeftOutTakesTheShapesDefaultWhileTheOthersAreAsGiven() {
    ClickSourceOptions o = parse("--synthetic-shape", "long-tail", "--synthetic-events", "20000");
    assertThat(o.name())
        .isEqualTo(
            "synthetic long-tail (6000 users, 12000 items, 300 topics, 20000 events, seed 11)");
    o = parse("--synthetic-users", "50", "--seed", "3");
    assertThat(o.name())
        .isEqualTo("synthetic planted (50 users, 1000 items, 20 clusters, 200000 events, seed 3)");
  }

  @Test
  void theShapeIsNamedAsTypedInAnyCaseAndAnUnknownOneIsRefusedListingTheShapes() {
    assertThat(parse("--synthetic-shape", " Long-Tail ").shape).isEqualTo(SyntheticShape.LONG_TAIL);
    assertThat(parse("--synthetic-shape", "planted").shape).isEqualTo(SyntheticShape.PLANTED);
    for (String bad : List.of("zipf", "long_tail", "")) {
      assertThatThrownBy(() -> parse("--synthetic-shape", bad))
          .as(bad)
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("--synthetic-shape")
          .hasMessageContaining("planted, long-tail");
    }
  }

  @Test
  void eachShapesGroupOptionIsRefusedWithTheOtherShape() {
    assertThatThrownBy(() -> parse("--synthetic-topics", "30").synthetic())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--synthetic-topics applies to --synthetic-shape long-tail only");
    assertThatThrownBy(
            () -> parse("--synthetic-shape", "long-tail", "--synthetic-clusters", "5").synthetic())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--synthetic-clusters applies to --synthetic-shape planted only");
  }

  @Test
  void aSizeTheGeneratorRefusesIsReportedWithTheShape() {
    assertThatThrownBy(
            () ->
                parse("--synthetic-shape", "long-tail", "--synthetic-items", "5", "--seed", "1")
                    .synthetic())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--synthetic-shape long-tail")
        .hasMessageContaining("items ≥ topics");
  }

  @Test
  void aShapeFromTheEnvironmentOrTheFileBringsItsOwnDefaults() {
    CommandLine.ParseResult parsed =
        TowerstreamCommand.commandLine(Map.of("TOWERSTREAM_DEMO_SYNTHETIC_SHAPE", "long-tail"))
            .parseArgs("demo", "--synthetic-items", "500");
    DemoCommand demo = parsed.subcommand().commandSpec().commandLine().getCommand();
    assertThat(demo.source.shape).isEqualTo(SyntheticShape.LONG_TAIL);
    assertThat(demo.source.users()).isEqualTo(6_000);
    assertThat(demo.source.items()).isEqualTo(500);
    assertThat(demo.source.groups()).isEqualTo(300);
  }

  private static ClickSourceOptions parse(String... args) {
    Source source = new Source();
    new CommandLine(source).parseArgs(args);
    return source.options;
  }

  private static List<Interaction> first(Iterable<Interaction> clicks, int n) {
    List<Interaction> out = new ArrayList<>();
    for (Iterator<Interaction> it = clicks.iterator(); it.hasNext() && out.size() < n; ) {
      out.add(it.next());
    }
    return out;
  }
}

package io.towerstream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OptionTest {
  private static final Option<Integer> DIM =
      Option.intOption("model.dim")
          .defaultValue(128)
          .check(v -> v > 0, "positive")
          .check(v -> v <= 4096, "at most 4096")
          .doc("Embedding dimension.");

  @Test
  void aValueIsParsedTrimmedAndChecked() {
    assertThat(DIM.parse(" 64 ")).isEqualTo(64);
    assertThat(DIM.parse("100_000".replace("100_000", "1_024"))).isEqualTo(1024);
    assertThatThrownBy(() -> DIM.parse("0"))
        .isInstanceOf(OptionException.class)
        .hasMessage("--model.dim must be positive, was 0");
    assertThatThrownBy(() -> DIM.parse("5000"))
        .hasMessage("--model.dim must be at most 4096, was 5000");
  }

  @Test
  void aMalformedValueNamesTheOptionAndTheFormItNeeds() {
    assertThatThrownBy(() -> DIM.parse("sixty-four"))
        .isInstanceOf(OptionException.class)
        .hasMessage("--model.dim must be an integer, was 'sixty-four'");
    assertThatThrownBy(() -> Option.booleanOption("log-q").parse("yes"))
        .hasMessage("--log-q must be true or false, was 'yes'");
    assertThatThrownBy(() -> Option.doubleOption("rate").parse("NaN"))
        .hasMessage("--rate must be a finite number, was 'NaN'");
    assertThatThrownBy(() -> Option.floatOption("w").parse("1e40"))
        .hasMessageStartingWith("--w must be a finite number within float range");
    assertThatThrownBy(() -> Option.intOption("n").parse("3000000000"))
        .hasMessageStartingWith("--n must be an integer");
    assertThatThrownBy(() -> Option.intOption("n").parse("1__0"))
        .hasMessageStartingWith("--n must");
  }

  @Test
  void enumsReadTheirLowerCaseHyphenatedNamesAndListThemWhenWrong() {
    Option<TimeUnit> unit = Option.enumOption("unit", TimeUnit.class);
    assertThat(unit.parse("Milliseconds")).isEqualTo(TimeUnit.MILLISECONDS);
    assertThat(unit.format(TimeUnit.MICROSECONDS)).isEqualTo("microseconds");
    assertThatThrownBy(() -> unit.parse("weeks"))
        .hasMessageStartingWith("--unit must be one of nanoseconds, microseconds, milliseconds,")
        .hasMessageEndingWith(", was 'weeks'");
  }

  @Test
  void aListParsesEachElementAndFormatsBack() {
    Option<List<Integer>> items = Option.of("items", ValueType.listOf(ValueType.INT));
    assertThat(items.parse("100_000, 1000000")).containsExactly(100_000, 1_000_000);
    assertThat(items.format(List.of(1, 2))).isEqualTo("1,2");
    assertThatThrownBy(() -> items.parse("1,,2"))
        .hasMessage("--items must be a comma-separated list of integers, was '1,,2'");
  }

  @Test
  void theDocShowsTheDefaultOrItsTextAndDeclarationsAreImmutable() {
    assertThat(DIM.toDoc()).isEqualTo(new OptionDoc("model.dim", "128", "Embedding dimension."));
    assertThat(Option.stringOption("x").toDoc().defaultValue()).isEmpty();
    assertThat(
            Option.pathOption("snapshot-dir")
                .defaultText("<db-path>-snapshots")
                .toDoc()
                .defaultValue())
        .isEqualTo("<db-path>-snapshots");
    Option<Integer> base = Option.intOption("n");
    base.defaultValue(3).check(v -> false, "never");
    assertThat(base.defaultValue()).isNull();
    assertThat(base.parse("7")).isEqualTo(7);
  }

  @Test
  void aNameIsBare() {
    assertThatThrownBy(() -> Option.intOption("--dim"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Option.intOption("a=b")).isInstanceOf(IllegalArgumentException.class);
  }
}

package io.towerstream.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BindingTest {
  private static final class Builder {
    int port = 80;
  }

  private record Built(Integer port) {}

  private record Outer(Builder inner) {}

  private static final Option<Integer> PORT = Option.intOption("port").defaultValue(80);
  private static final Binding<Builder, Built, Integer> BOUND =
      Binding.bind(PORT, (b, v) -> b.port = v, Built::port);

  @Test
  void aGivenValueGoesIntoTheBuilderAndAnUnsetOneLeavesIt() {
    Builder b = new Builder();
    b.port = 1;
    BOUND.apply(OptionSet.of(PORT).parse(), b);
    assertThat(b.port).isEqualTo(1);
    BOUND.apply(OptionSet.of(PORT).parse("--port", "9"), b);
    assertThat(b.port).isEqualTo(9);
  }

  @Test
  void theBuiltValueWritesBackAsFlagsAndNullAsNone() {
    assertThat(BOUND.toArgs(new Built(8080))).containsExactly("--port", "8080");
    assertThat(BOUND.toArgs(new Built(null))).isEmpty();
  }

  @Test
  void aBindingReachesThroughAnOuterHolder() {
    Outer outer = new Outer(new Builder());
    Binding<Outer, List<Built>, Integer> through = BOUND.through(Outer::inner, l -> l.get(0));
    through.apply(OptionSet.of(PORT).parse("--port=7"), outer);
    assertThat(outer.inner().port).isEqualTo(7);
    assertThat(through.toArgs(List.of(new Built(3)))).containsExactly("--port", "3");
  }
}

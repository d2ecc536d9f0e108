package io.towerstream.config;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * An option tied to the typed holder a process builds from it: how a given value goes into a
 * builder {@code B}, and how the built value {@code C} gives it back (to write the configuration
 * out as flags that parse back to it).
 */
public record Binding<B, C, T>(Option<T> option, BiConsumer<B, T> set, Function<C, T> get) {

  public static <B, C, T> Binding<B, C, T> bind(
      Option<T> option, BiConsumer<B, T> set, Function<C, T> get) {
    return new Binding<>(option, set, get);
  }

  /** Sets the value given for the option on {@code builder}; leaves the builder alone otherwise. */
  public void apply(OptionValues values, B builder) {
    if (values.isSet(option)) {
      set.accept(builder, values.get(option));
    }
  }

  /** {@code --name value} of {@code built}; nothing when its value is unset (null). */
  public List<String> toArgs(C built) {
    T value = get.apply(built);
    return value == null ? List.of() : List.of("--" + option.name(), option.format(value));
  }

  /** This binding over an outer builder and value that hold {@code B} and {@code C}. */
  public <B2, C2> Binding<B2, C2, T> through(Function<B2, B> builder, Function<C2, C> built) {
    return new Binding<>(
        option, (b, v) -> set.accept(builder.apply(b), v), c -> get.apply(built.apply(c)));
  }

  /** The options of {@code bindings}, in order, for an {@link OptionSet}. */
  public static List<Option<?>> options(List<? extends Binding<?, ?, ?>> bindings) {
    return bindings.stream().<Option<?>>map(Binding::option).toList();
  }
}

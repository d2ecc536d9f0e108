package io.towerstream.config;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The options one process was given, parsed and checked by {@link OptionSet#parse}: each option's
 * value (or its default), whether it was given at all, where it came from, and the pass-through
 * options ({@code --kafka.<property>}) by prefix.
 */
public final class OptionValues {
  private final Map<Option<?>, Object> values;
  private final Map<Option<?>, String> origins;
  private final Map<String, String> passThrough;

  OptionValues(
      Map<Option<?>, Object> values,
      Map<Option<?>, String> origins,
      Map<String, String> passThrough) {
    this.values = values;
    this.origins = origins;
    this.passThrough = passThrough;
  }

  /** The value given for {@code option}, else its default (null when it has none). */
  @SuppressWarnings("unchecked")
  public <T> T get(Option<T> option) {
    return values.containsKey(option) ? (T) values.get(option) : option.defaultValue();
  }

  /** Whether any layer gave {@code option} (its default does not count). */
  public boolean isSet(Option<?> option) {
    return values.containsKey(option);
  }

  /** Calls {@code action} with the value given for {@code option}, only if one was given. */
  public <T> void ifSet(Option<T> option, Consumer<? super T> action) {
    if (isSet(option)) {
      action.accept(get(option));
    }
  }

  /**
   * Where the value of {@code option} came from ({@code environment variable X}, {@code --config
   * FILE}, ...); null for a flag or an option not given.
   */
  public String origin(Option<?> option) {
    return origins.get(option);
  }

  /** The pass-through options under {@code prefix}, the prefix taken off, sorted by key. */
  public Map<String, String> passThrough(String prefix) {
    Map<String, String> out = new TreeMap<>();
    passThrough.forEach(
        (k, v) -> {
          if (k.startsWith(prefix)) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return Collections.unmodifiableMap(out);
  }
}

package io.towerstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One option, declared once: its name (without {@code --}), the type of its value, its default, the
 * checks a value must pass and what it does. Declarations are immutable; each method returns a
 * changed copy, so they read as one expression:
 *
 * <pre>{@code
 * static final Option<Integer> DIM =
 *     Option.intOption("model.dim").defaultValue(128).check(v -> v > 0, "positive")
 *         .doc("Embedding dimension.");
 * }</pre>
 *
 * <p>An option without a default is unset unless given ({@link OptionValues#isSet}); {@link
 * #required()} makes the parser refuse to run without it.
 */
public final class Option<T> {
  private record Check<T>(Predicate<? super T> test, String expectation) {}

  private final String name;
  private final ValueType<T> type;
  private final T defaultValue;
  private final String defaultText;
  private final boolean required;
  private final List<Check<T>> checks;
  private final String description;
  private final List<String> aliases;

  private Option(
      String name,
      ValueType<T> type,
      T defaultValue,
      String defaultText,
      boolean required,
      List<Check<T>> checks,
      String description,
      List<String> aliases) {
    this.name = name;
    this.type = type;
    this.defaultValue = defaultValue;
    this.defaultText = defaultText;
    this.required = required;
    this.checks = List.copyOf(checks);
    this.description = description;
    this.aliases = List.copyOf(aliases);
  }

  /** An option of {@code type}, without a default, check or description yet. */
  public static <T> Option<T> of(String name, ValueType<T> type) {
    if (name.isEmpty() || name.startsWith("-") || name.contains("=")) {
      throw new IllegalArgumentException(
          "an option's name is bare, like model.dim: '" + name + "'");
    }
    return new Option<>(name, type, null, null, false, List.of(), "", List.of());
  }

  public static Option<String> stringOption(String name) {
    return of(name, ValueType.STRING);
  }

  public static Option<Integer> intOption(String name) {
    return of(name, ValueType.INT);
  }

  public static Option<Long> longOption(String name) {
    return of(name, ValueType.LONG);
  }

  public static Option<Double> doubleOption(String name) {
    return of(name, ValueType.DOUBLE);
  }

  public static Option<Float> floatOption(String name) {
    return of(name, ValueType.FLOAT);
  }

  public static Option<Boolean> booleanOption(String name) {
    return of(name, ValueType.BOOLEAN);
  }

  public static Option<Path> pathOption(String name) {
    return of(name, ValueType.PATH);
  }

  public static <E extends Enum<E>> Option<E> enumOption(String name, Class<E> type) {
    return of(name, ValueType.enumType(type));
  }

  /** The value taken when the option is not given. */
  public Option<T> defaultValue(T value) {
    return new Option<>(
        name,
        type,
        Objects.requireNonNull(value),
        defaultText,
        required,
        checks,
        description,
        aliases);
  }

  /**
   * How the default reads in the usage text and the tables when it is not a value of its own, e.g.
   * {@code <db-path>-snapshots} or {@code the cluster's}.
   */
  public Option<T> defaultText(String text) {
    return new Option<>(name, type, defaultValue, text, required, checks, description, aliases);
  }

  /** The process does not start without this option. */
  public Option<T> required() {
    return new Option<>(name, type, defaultValue, defaultText, true, checks, description, aliases);
  }

  /**
   * A value must pass {@code test}; a failure reads {@code --name must be <expectation>, was v}.
   */
  public Option<T> check(Predicate<? super T> test, String expectation) {
    List<Check<T>> more = new ArrayList<>(checks);
    more.add(new Check<>(test, expectation));
    return new Option<>(
        name, type, defaultValue, defaultText, required, more, description, aliases);
  }

  /** What the option does, for the usage text and the generated tables. */
  public Option<T> doc(String text) {
    return new Option<>(name, type, defaultValue, defaultText, required, checks, text, aliases);
  }

  /** Another name that counts as this option, in every layer. */
  public Option<T> alias(String other) {
    List<String> more = new ArrayList<>(aliases);
    more.add(other);
    return new Option<>(name, type, defaultValue, defaultText, required, checks, description, more);
  }

  public String name() {
    return name;
  }

  public List<String> aliases() {
    return aliases;
  }

  public ValueType<T> type() {
    return type;
  }

  /** Null when the option has none. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean isRequired() {
    return required;
  }

  public String description() {
    return description;
  }

  /**
   * The value {@code text} (trimmed) stands for, checked.
   *
   * @throws OptionException naming the option and the expected form, for a malformed value or one
   *     that fails a check
   */
  public T parse(String text) {
    String trimmed = text.trim();
    T value;
    try {
      value = type.parse().apply(trimmed);
    } catch (RuntimeException e) {
      throw new OptionException(
          "--" + name + " must be " + type.expected() + ", was '" + trimmed + "'");
    }
    return validate(value);
  }

  /**
   * {@code value}, once it passes every check.
   *
   * @throws OptionException {@code --name must be <expectation>, was <value>}
   */
  public T validate(T value) {
    for (Check<T> check : checks) {
      if (value == null || !check.test.test(value)) {
        throw new OptionException(
            "--"
                + name
                + " must be "
                + check.expectation
                + ", was "
                + (value == null ? null : format(value)));
      }
    }
    return value;
  }

  /** The text that parses back to {@code value}. */
  public String format(T value) {
    return type.format().apply(value);
  }

  /** The option as its users read it: name, default as text (empty for none) and meaning. */
  public OptionDoc toDoc() {
    String shown =
        defaultText != null ? defaultText : defaultValue == null ? "" : format(defaultValue);
    return new OptionDoc(name, shown, description);
  }

  @Override
  public String toString() {
    return "--" + name;
  }
}

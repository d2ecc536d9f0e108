package io.towerstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How an option's value is written: the form a user reads in an error ({@code "an integer"}), the
 * parse of the text (throwing {@link IllegalArgumentException} on a malformed one, whose message is
 * not shown) and the text of a value, so that {@code parse(format(v))} is {@code v}.
 *
 * @param expected what a well-formed value is, as the end of "--x must be ..."
 */
public record ValueType<T>(String expected, Function<String, T> parse, Function<T, String> format) {

  public static final ValueType<String> STRING = new ValueType<>("a string", s -> s, s -> s);

  /** Integers may group their digits with {@code _}, e.g. {@code 100_000}. */
  public static final ValueType<Integer> INT =
      new ValueType<>("an integer", s -> Integer.parseInt(digits(s)), Object::toString);

  public static final ValueType<Long> LONG =
      new ValueType<>("an integer", s -> Long.parseLong(digits(s)), Object::toString);

  public static final ValueType<Double> DOUBLE =
      new ValueType<>("a finite number", ValueType::finite, Object::toString);

  public static final ValueType<Float> FLOAT =
      new ValueType<>(
          "a finite number within float range",
          s -> {
            double d = finite(s);
            if (Math.abs(d) > Float.MAX_VALUE) {
              throw new IllegalArgumentException("beyond float range");
            }
            return (float) d;
          },
          Object::toString);

  public static final ValueType<Boolean> BOOLEAN =
      new ValueType<>(
          "true or false",
          s ->
              switch (s.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw new IllegalArgumentException(s);
              },
          Object::toString);

  public static final ValueType<Path> PATH = new ValueType<>("a path", Path::of, Path::toString);

  /**
   * An enum's constants by their names in lower case with {@code -} for {@code _} (case is ignored
   * when reading), e.g. {@code at-least-once}.
   */
  public static <E extends Enum<E>> ValueType<E> enumType(Class<E> type) {
    E[] constants = type.getEnumConstants();
    return new ValueType<>(
        "one of "
            + Arrays.stream(constants).map(ValueType::cliName).collect(Collectors.joining(", ")),
        s -> {
          for (E e : constants) {
            if (cliName(e).equalsIgnoreCase(s)) {
              return e;
            }
          }
          throw new IllegalArgumentException(s);
        },
        ValueType::cliName);
  }

  /** A comma-separated list of {@code element}s, at least one. */
  public static <T> ValueType<List<T>> listOf(ValueType<T> element) {
    return new ValueType<>(
        "a comma-separated list of " + plural(element.expected),
        s -> {
          List<T> out = new ArrayList<>();
          for (String part : s.split(",", -1)) {
            out.add(element.parse.apply(part.trim()));
          }
          return List.copyOf(out);
        },
        list -> list.stream().map(element.format).collect(Collectors.joining(",")));
  }

  /** This type with {@code expected} as the form an error names. */
  public ValueType<T> describedAs(String expected) {
    return new ValueType<>(expected, parse, format);
  }

  private static String cliName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String plural(String expected) {
    String bare = expected.replaceFirst("^an? ", "");
    return bare.endsWith("s") ? bare : bare + "s";
  }

  private static String digits(String s) {
    if (s.startsWith("_") || s.endsWith("_") || s.contains("__")) {
      throw new NumberFormatException(s);
    }
    return s.replace("_", "");
  }

  private static double finite(String s) {
    double d = Double.parseDouble(s);
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not finite");
    }
    return d;
  }
}

package io.towerstream.cli.commands;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The shape of the synthetic click stream ({@code --synthetic-shape}): which generator makes it,
 * and which option groups its items.
 */
enum SyntheticShape {
  /** {@code model.synthetic.PlantedClusterClicks}: users and items in planted clusters. */
  PLANTED("planted", "clusters"),
  /** {@code model.synthetic.LongTailClicks}: sparse clicks over a long-tail catalogue in topics. */
  LONG_TAIL("long-tail", "topics");

  private final String cliName;
  private final String groups;

  SyntheticShape(String cliName, String groups) {
    this.cliName = cliName;
    this.groups = groups;
  }

  /** The name the command line takes and the reports print. */
  String cliName() {
    return cliName;
  }

  /** What the shape groups its items into: clusters or topics. */
  String groups() {
    return groups;
  }

  /** The option that sets how many groups the items fall into, e.g. {@code --synthetic-topics}. */
  String groupOption() {
    return "--synthetic-" + groups;
  }

  /**
   * The shape named {@code value}, case and surrounding blanks ignored.
   *
   * @throws IllegalArgumentException listing the shapes, for any other value
   */
  static SyntheticShape parse(String value) {
    for (SyntheticShape s : values()) {
      if (s.cliName.equals(value.trim().toLowerCase(Locale.ROOT))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "expected one of "
            + Arrays.stream(values()).map(SyntheticShape::cliName).collect(Collectors.joining(", "))
            + ", was '"
            + value
            + "'");
  }

  /** Lets {@code --synthetic-shape} take the names with a dash and explain a bad one. */
  static final class Converter implements ITypeConverter<SyntheticShape> {
    @Override
    public SyntheticShape convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage()); // picocli adds the option's name
      }
    }
  }
}

package io.towerstream.cli.options;

import io.towerstream.config.Option;
import io.towerstream.config.OptionException;
import io.towerstream.config.OptionSet;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.IModelTransformer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.TypeConversionException;

/**
 * A process's own option declarations ({@link Option}) as the options of a picocli command, so that
 * the command takes them without declaring them a second time. A command names a subclass that
 * lists the declarations in {@code @Command(modelTransformer = ...)}; each declaration becomes an
 * option of its name and aliases, taking one value (as {@link OptionSet} reads every option), with
 * the declaration's meaning and default in the usage text and the option tables.
 *
 * <p>Picocli only carries the text: each value given, as a flag or through the command's layered
 * defaults (environment variable, {@code --config} file), is checked by its declaration as it is
 * read, so a bad one is a usage error naming the option and where it came from; {@link #args} then
 * hands the given values, and only those, to the process's own parser, which applies the defaults
 * and the checks across options. An option not given has no value here: its default is the
 * declaration's.
 */
public abstract class DeclaredOptions implements IModelTransformer {
  private final List<Option<?>> declared;

  protected DeclaredOptions(List<? extends Option<?>> declared) {
    this.declared = List.copyOf(declared);
  }

  @Override
  public CommandSpec transform(CommandSpec command) {
    declared.forEach(option -> command.addOption(spec(option)));
    return command;
  }

  /**
   * The declared options given to {@code command} in its last parse, as {@code --name=value}
   * arguments (the form that keeps a value starting with {@code --} whole) in declaration order.
   */
  public static String[] args(CommandSpec command) {
    List<String> args = new ArrayList<>();
    for (OptionSpec spec : command.options()) {
      if (spec.userObject() instanceof Option<?> option && spec.getValue() != null) {
        args.add("--" + option.name() + "=" + spec.getValue());
      }
    }
    return args.toArray(String[]::new);
  }

  /** The declaration {@code spec} was made from; null for an option the command declares. */
  public static Option<?> declaration(OptionSpec spec) {
    return spec.userObject() instanceof Option<?> option ? option : null;
  }

  static OptionSpec spec(Option<?> option) {
    List<String> names = new ArrayList<>();
    names.add("--" + option.name());
    option.aliases().forEach(alias -> names.add("--" + alias));
    return OptionSpec.builder(names.toArray(String[]::new))
        .type(String.class)
        .arity("1")
        .paramLabel(label(option))
        .required(option.isRequired())
        .description(description(option))
        .converters(text -> check(option, text))
        .userObject(option)
        .build();
  }

  /** {@code text}, once the declaration reads it; else the declaration's reason, for picocli. */
  private static String check(Option<?> option, String text) {
    try {
      option.parse(text);
      return text;
    } catch (OptionException e) {
      // picocli puts "Invalid value for option '--name': " before it
      throw new TypeConversionException(
          e.getMessage().replaceFirst("^--" + Pattern.quote(option.name()) + " ", ""));
    }
  }

  /** The values an enum takes ({@code hnsw|exact|auto}), else {@code <name>}. */
  private static String label(Option<?> option) {
    String expected = option.type().expected();
    if (expected.startsWith("one of ")) {
      return expected.substring("one of ".length()).replace(", ", "|");
    }
    String name = option.name();
    return "<" + name.substring(name.lastIndexOf('.') + 1) + ">";
  }

  /** The meaning, then the default or that it is required; picocli formats it, so % is escaped. */
  private static String description(Option<?> option) {
    String shown = option.toDoc().defaultValue();
    String note =
        option.isRequired() ? " (required)" : shown.isEmpty() ? "" : " (default: " + shown + ")";
    String meaning = option.description();
    String text =
        meaning.endsWith(".")
            ? meaning.substring(0, meaning.length() - 1) + note + "."
            : meaning + note;
    return text.replace("%", "%%");
  }
}

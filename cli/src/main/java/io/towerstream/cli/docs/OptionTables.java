package io.towerstream.cli.docs;

import io.towerstream.cli.options.DeclaredOptions;
import io.towerstream.cli.options.LayeredDefaults;
import io.towerstream.config.Option;
import io.towerstream.config.OptionDoc;
import io.towerstream.jobs.JobConfig;
import io.towerstream.store.StoreArgs;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The option tables of {@code docs/configuration.md}, generated from the one place each option is
 * declared: {@link JobConfig} for the training job, {@link StoreArgs} for the store, for each
 * command its picocli annotations and the process declarations it takes ({@link DeclaredOptions}).
 * Each table sits in the page between {@code <!-- options:NAME -->} and {@code <!-- /options:NAME
 * -->}; {@link #update} rewrites them, and a test fails when the committed page differs from what
 * the code says.
 */
public final class OptionTables {
  /**
   * The one Markdown cell a description's own "(default: x)" phrase leaves when the default has a
   * column.
   */
  private static final Pattern SPACE_BEFORE_STOP = Pattern.compile("\\s+([.,;)])");

  private OptionTables() {}

  /**
   * Every generated table by region name, in page order.
   *
   * @param root the command line to document, built over an empty environment (picocli writes
   *     defaults into the descriptions, and a variable set by whoever runs this must not leak into
   *     the page)
   */
  public static Map<String, String> tables(CommandLine root) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("job", OptionDoc.markdownTable(JobConfig.options()));
    out.put("store", OptionDoc.markdownTable(StoreArgs.options()));
    out.put("commands", commands(root));
    return out;
  }

  /** {@code page} with each region's content replaced by its table. */
  public static String update(String page, Map<String, String> tables) {
    String out = page;
    for (Map.Entry<String, String> t : tables.entrySet()) {
      String open = "<!-- options:" + t.getKey() + " -->\n";
      String close = "<!-- /options:" + t.getKey() + " -->";
      int from = out.indexOf(open);
      int to = out.indexOf(close);
      if (from < 0 || to < from) {
        throw new IllegalArgumentException(
            "the page lacks the region " + open.strip() + " ... " + close);
      }
      out = out.substring(0, from + open.length()) + t.getValue() + out.substring(to);
    }
    return out;
  }

  /** One collapsed table per layered command, with its environment prefix. */
  private static String commands(CommandLine root) {
    StringBuilder out = new StringBuilder();
    for (CommandSpec command : layered(root.getCommandSpec(), new ArrayList<>())) {
      out.append("<details><summary><code>")
          .append(command.qualifiedName())
          .append("</code> (environment: <code>")
          .append(LayeredDefaults.envPrefix(command))
          .append("&lt;OPTION&gt;</code>)</summary>\n\n")
          .append(OptionDoc.markdownTable(docs(command)))
          .append("\n</details>\n");
    }
    return out.toString();
  }

  private static List<CommandSpec> layered(CommandSpec command, List<CommandSpec> out) {
    if (LayeredDefaults.isLayered(command)) {
      out.add(command);
    }
    command.subcommands().values().stream()
        .map(CommandLine::getCommandSpec)
        .distinct()
        .forEach(sub -> layered(sub, out));
    return out;
  }

  /**
   * The description without the phrase that states the default (picocli interpolates it into the
   * text, e.g. "(default: 8080)" or "Default: movielens."), which the table's own column shows.
   */
  static String withoutDefault(String description, String def) {
    String out = description;
    if (!def.isEmpty()) {
      String d = Pattern.quote(def);
      out =
          out.replaceAll("\\s*\\([Dd]efault:\\s*" + d + "\\)", "")
              .replaceAll("\\([Dd]efault:\\s*" + d + ",\\s*", "(")
              .replaceAll("\\s*[Dd]efault:\\s*" + d + "\\.?", "");
    }
    out = out.replace(" (default)", "");
    return SPACE_BEFORE_STOP.matcher(out).replaceAll("$1").strip();
  }

  private static List<OptionDoc> docs(CommandSpec command) {
    List<OptionDoc> out = new ArrayList<>();
    for (OptionSpec o : command.options()) {
      if (o.usageHelp() || o.versionHelp() || o.hidden()) {
        continue;
      }
      Option<?> declared = DeclaredOptions.declaration(o);
      OptionDoc doc;
      if (declared != null) {
        doc = declared.toDoc(); // a process's own declaration, as its own table shows it
      } else {
        String def = o.defaultValue() == null ? "" : o.defaultValue();
        String description = withoutDefault(String.join(" ", o.description()), def);
        doc = new OptionDoc(o.longestName().substring(2), def, description);
      }
      String description = doc.description();
      out.add(
          new OptionDoc(
              doc.name(),
              doc.defaultValue(),
              description.endsWith(".") || description.isEmpty()
                  ? description
                  : description + "."));
    }
    return out;
  }
}

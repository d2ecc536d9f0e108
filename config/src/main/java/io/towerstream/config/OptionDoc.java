package io.towerstream.config;

import java.util.List;

/**
 * One option of a process as its users read it: the name (without {@code --}), the default as text
 * (empty when required or none) and what it does; the usage texts and the generated tables of
 * docs/configuration.md are made of these.
 */
public record OptionDoc(String name, String defaultValue, String description) {

  /**
   * A Markdown table of {@code options}, one row each, in their order; {@code |}, {@code <}, {@code
   * >} escaped.
   */
  public static String markdownTable(List<OptionDoc> options) {
    StringBuilder out = new StringBuilder("| option | default | meaning |\n|---|---|---|\n");
    for (OptionDoc o : options) {
      out.append("| `--")
          .append(o.name)
          .append("` | ")
          .append(o.defaultValue.isEmpty() ? "" : "`" + o.defaultValue.replace("|", "\\|") + "`")
          .append(" | ")
          .append(cell(o.description))
          .append(" |\n");
    }
    return out.toString();
  }

  private static String cell(String text) {
    // a bare <property> would be an HTML tag to a Markdown renderer, and vanish
    return text.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;").replace(">", "&gt;");
  }
}

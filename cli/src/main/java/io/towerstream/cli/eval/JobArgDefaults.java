package io.towerstream.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training-job options an evaluation needs, added in front of the user's job options unless these
 * set them: the user's choice always wins, and the job refuses an option given twice.
 */
final class JobArgDefaults {
  private JobArgDefaults() {}

  /** {@code args} after each {@code --name value} of {@code defaults} that they do not set. */
  static List<String> withDefaults(List<String> args, Map<String, String> defaults) {
    List<String> out = new ArrayList<>();
    defaults.forEach(
        (name, value) -> {
          if (!sets(args, name)) {
            out.add(name);
            out.add(value);
          }
        });
    out.addAll(args);
    return List.copyOf(out);
  }

  /** Whether {@code args} give {@code name} ({@code --name value} or {@code --name=value}). */
  static boolean sets(List<String> args, String name) {
    return args.stream().anyMatch(a -> a.equals(name) || a.startsWith(name + "="));
  }
}

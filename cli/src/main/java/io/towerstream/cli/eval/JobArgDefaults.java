package io.towerstream.cli.eval;

import io.towerstream.jobs.JobConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Training-job options an evaluation needs, added in front of the user's job options unless these
 * set them: the user's choice always wins, and the job refuses an option given twice.
 */
final class JobArgDefaults {
  private JobArgDefaults() {}

  /**
   * {@code args} after each {@code --name value} of {@code defaults} that they do not set, as the
   * job's own parser reads them ({@link JobConfig#sets}: either flag form, an alias, a {@code
   * --config} file).
   */
  static List<String> withDefaults(List<String> args, Map<String, String> defaults) {
    List<String> out = new ArrayList<>();
    defaults.forEach(
        (name, value) -> {
          if (!JobConfig.sets(args, name.substring(2))) {
            out.add(name);
            out.add(value);
          }
        });
    out.addAll(args);
    return List.copyOf(out);
  }
}

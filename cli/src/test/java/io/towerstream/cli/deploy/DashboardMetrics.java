package io.towerstream.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The metric names a Grafana dashboard's queries use, as Prometheus exposes them. */
public final class DashboardMetrics {
  private static final Pattern NAME =
      Pattern.compile("\\b((?:flink|towerstream)_[A-Za-z0-9_]+)\\b");

  private DashboardMetrics() {}

  public static Set<String> names(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        Matcher m = NAME.matcher(target.path("expr").asText());
        while (m.find()) {
          names.add(m.group(1));
        }
      }
    }
    return names;
  }
}

package io.towerstream.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One {@code towerstream eval}'s reports, as a table for people and one JSON object for scripts.
 * The frozen protocol's JSON keeps the shape it had before there were protocols (dataset, split,
 * trainEvents, testUsers, models, seconds) at the top level, so its readers need not change; a
 * {@code protocol} field names what ran, and the next-click report is the {@code nextClick} object.
 *
 * @param frozen the frozen protocol's report; null when it did not run
 * @param nextClick the next-click protocol's report; null when it did not run
 * @param seconds the whole evaluation's wall time
 */
public record EvalResult(
    String dataset,
    double split,
    EvalProtocol protocol,
    EvalReport frozen,
    NextClickReport nextClick,
    double seconds) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public EvalResult {
    if ((frozen != null) != protocol.frozen() || (nextClick != null) != protocol.nextClick()) {
      throw new IllegalArgumentException("the " + protocol.cliName() + " protocol's reports");
    }
  }

  /** The tables of the protocols that ran, the frozen one first. */
  public String table() {
    StringBuilder out = new StringBuilder();
    if (frozen != null) {
      out.append(frozen.table());
    }
    if (nextClick != null) {
      if (frozen != null) {
        out.append(System.lineSeparator());
      }
      out.append(nextClick.table(dataset, split));
    }
    return out.toString();
  }

  /** One line of JSON. */
  public String json() {
    ObjectNode root;
    if (frozen != null) {
      root = frozen.jsonNode();
    } else {
      root = JSON.createObjectNode();
      root.put("dataset", dataset);
      root.put("split", split);
    }
    root.put("protocol", protocol.cliName());
    if (nextClick != null) {
      root.set("nextClick", nextClick.json());
    }
    root.remove("seconds"); // the frozen report's own, of the run that was its part: last, and all
    root.put("seconds", Math.round(seconds * 10) / 10.0);
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the evaluation report as JSON", e);
    }
  }
}

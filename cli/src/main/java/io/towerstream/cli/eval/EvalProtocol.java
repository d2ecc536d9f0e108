package io.towerstream.cli.eval;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What {@code towerstream eval} measures: one of the two protocols, or both in one pipeline run.
 */
public enum EvalProtocol {
  /**
   * The whole log streams through the trainer, which ranks each click of the window (its tail)
   * before training on it; the offline peers follow the same protocol ({@code NextClickPeers}).
   */
  NEXT_CLICK("next-click"),
  /**
   * The first part of the log trains once; every test user is then ranked by the frozen model over
   * HTTP against their later items ({@code TemporalSplit}).
   */
  FROZEN("frozen"),
  /** The frozen ranking after the first part, then the rest of the log next-click, in one run. */
  BOTH("both");

  private final String cliName;

  EvalProtocol(String cliName) {
    this.cliName = cliName;
  }

  public String cliName() {
    return cliName;
  }

  public boolean frozen() {
    return this != NEXT_CLICK;
  }

  public boolean nextClick() {
    return this != FROZEN;
  }

  /**
   * @throws IllegalArgumentException listing the protocols, for any other name
   */
  public static EvalProtocol parse(String name) {
    for (EvalProtocol p : values()) {
      if (p.cliName.equals(name.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "expected one of "
            + Arrays.stream(values()).map(EvalProtocol::cliName).collect(Collectors.joining(", "))
            + ", was '"
            + name
            + "'");
  }
}

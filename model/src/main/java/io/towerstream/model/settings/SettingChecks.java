package io.towerstream.model.settings;

/**
 * The one check every model setting goes through, so that a bad value fails the same way whichever
 * settings record holds it: naming the option, what it must be and what it was.
 */
public final class SettingChecks {
  private SettingChecks() {}

  /**
   * @throws IllegalArgumentException "{@code option} must be {@code expectation}, was {@code
   *     value}" unless {@code ok}
   */
  public static void require(boolean ok, String option, Object value, String expectation) {
    if (!ok) {
      throw new IllegalArgumentException(option + " must be " + expectation + ", was " + value);
    }
  }
}

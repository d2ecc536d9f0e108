package io.towerstream.cli.commands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code towerstream --version}: the Maven project version this build was made from, which Maven's
 * resource filtering writes into {@code io/towerstream/cli/version.properties}.
 */
public final class BuildVersion implements IVersionProvider {
  /** The build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String version() {
    try (InputStream in =
        BuildVersion.class.getResourceAsStream("/io/towerstream/cli/version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"towerstream " + version()};
  }
}

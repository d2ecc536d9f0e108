package io.towerstream.cli.demo;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one look of the CLI's progress bars: ASCII on stderr (stdout carries results), twice a
 * second.
 */
public final class ProgressBars {
  private ProgressBars() {}

  /**
   * A bar named {@code task} over {@code max} units, {@code width} columns wide; callers add units.
   */
  public static ProgressBarBuilder onStderr(String task, long max, int width) {
    return new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, width));
  }
}

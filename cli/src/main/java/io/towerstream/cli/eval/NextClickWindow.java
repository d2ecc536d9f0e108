package io.towerstream.cli.eval;

import io.towerstream.model.data.ClickRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tail of a time-sorted click log that the next-click protocol judges. It starts at the first
 * click whose timestamp is at least that of click {@code floor(events × split)}: the trainer
 * selects the judged clicks by event time ({@code eval.prequential.from-time}), the offline peers
 * by position, and with ties at the boundary both then judge the same clicks (a few more than
 * {@code events × (1 − split)}).
 *
 * @param events clicks in the whole log
 * @param start index of the first judged click
 * @param startTimeMillis its timestamp
 */
public record NextClickWindow(int events, int start, long startTimeMillis) {
  public NextClickWindow {
    if (start < 0 || start >= events) {
      throw new IllegalArgumentException(
          "the window must start inside the " + events + " clicks, was " + start);
    }
  }

  /**
   * The window of {@code sorted} (by timestamp) at {@code split}.
   *
   * @throws IllegalArgumentException when the log is empty
   */
  public static NextClickWindow of(List<ClickRecord> sorted, double split) {
    if (sorted.isEmpty()) {
      throw new IllegalArgumentException("the click log is empty");
    }
    int cut = (int) Math.floor(sorted.size() * split);
    long time = sorted.get(cut).timestampMillis();
    int start = cut;
    while (start > 0 && sorted.get(start - 1).timestampMillis() >= time) {
      start--;
    }
    return new NextClickWindow(sorted.size(), start, time);
  }

  /** Clicks judged: from {@link #start} to the end. */
  public int judged() {
    return events - start;
  }

  /**
   * The training-job options that make the trainer's own evaluator judge exactly this window: every
   * user scored, no cost budget shrinking the cohort, a metrics window that holds every judged
   * click, and scoring from the window's first timestamp.
   */
  Map<String, String> evaluatorArgs() {
    Map<String, String> args = new LinkedHashMap<>();
    args.put("--eval.prequential.sample-rate", "1");
    args.put("--eval.prequential.budget", "0");
    args.put("--eval.prequential.window", Integer.toString(judged()));
    args.put("--eval.prequential.from-time", Long.toString(startTimeMillis));
    return args;
  }
}

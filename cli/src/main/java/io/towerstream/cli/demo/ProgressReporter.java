package io.towerstream.cli.demo;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.query.StoreStatus;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ProgressBar;

/**
 * A terminal progress bar over trained events, with replay count, events/s, loss and rows embedded.
 */
public final class ProgressReporter implements AutoCloseable {
  private final ProgressBar bar;
  private final RetrievalStore store;
  private final LongSupplier replayed;

  /**
   * @param replayed clicks the broker has acknowledged so far
   */
  public ProgressReporter(long events, RetrievalStore store, LongSupplier replayed) {
    this.store = store;
    this.replayed = replayed;
    this.bar = ProgressBars.onStderr("training", events, 180).showSpeed().setUnit(" ev", 1).build();
  }

  public void refresh() {
    StoreStatus s = store.status();
    bar.stepTo(Math.min(s.eventsTrained(), bar.getMax()));
    bar.setExtraMessage(
        String.format(
            Locale.ROOT,
            " | replayed %d | loss %s | users %d items %d%s",
            replayed.getAsLong(),
            Double.isFinite(s.loss()) ? String.format(Locale.ROOT, "%.3f", s.loss()) : "-",
            s.usersEmbedded(),
            s.itemsEmbedded(),
            hitRates(s)));
  }

  /**
   * Test-then-train HR@10 of the model as served against windowed popularity, once the trainer has
   * scored clicks.
   */
  private static String hitRates(StoreStatus s) {
    Map<String, Object> model = s.prequential().get("towerstream");
    Map<String, Object> pop = s.prequential().get("recentPopularity");
    if (model == null || pop == null || ((Number) model.get("events")).longValue() == 0) {
      return ""; // nothing scored yet, or not before the window of an eval's next-click replay
    }
    return String.format(
        Locale.ROOT,
        " | HR@10 %.3f (recent pop. %.3f)",
        (Double) model.get("hitRate10"),
        (Double) pop.get("hitRate10"));
  }

  @Override
  public void close() {
    refresh();
    bar.close();
  }
}

package io.towerstream.cli.demo;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.query.StoreStatus;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A terminal progress bar over trained events, with replay count, events/s, loss and rows embedded. */
final class ProgressReporter implements AutoCloseable {
  private final ProgressBar bar;
  private final RetrievalStore store;
  private final ReplayTracker tracker;

  ProgressReporter(long events, RetrievalStore store, ReplayTracker tracker) {
    this.store = store;
    this.tracker = tracker;
    this.bar = new ProgressBarBuilder()
        .setTaskName("training")
        .setInitialMax(events)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(500)
        .setConsumer(new ConsoleProgressBarConsumer(System.err, 140))
        .showSpeed()
        .setUnit(" ev", 1)
        .build();
  }

  void refresh() {
    StoreStatus s = store.status();
    bar.stepTo(Math.min(s.eventsTrained(), bar.getMax()));
    bar.setExtraMessage(String.format(Locale.ROOT, " | replayed %d | loss %s | users %d items %d",
        tracker.eventsReplayed(), Double.isFinite(s.loss()) ? String.format(Locale.ROOT, "%.3f", s.loss()) : "-",
        s.usersEmbedded(), s.itemsEmbedded()));
  }

  @Override
  public void close() {
    refresh();
    bar.close();
  }
}

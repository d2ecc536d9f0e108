package io.towerstream.cli.demo;

import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The clicks a demo replays, in replay order, with how many events, users and items it holds: known
 * up front, so the demo can tell when every one of them has been trained and embedded.
 */
public record ClickStream(
    String description, Iterable<ClickRecord> records, long events, long users, long items) {

  /** A click log from a file, sorted by (timestamp, line number). */
  public static ClickStream fromFile(Path path, ClickFileFormat format) throws IOException {
    List<ClickRecord> records = ClickFileReader.readSorted(path, format);
    Set<String> users = new HashSet<>();
    Set<String> items = new HashSet<>();
    for (ClickRecord r : records) {
      users.add(r.userId());
      items.add(r.itemId());
    }
    return new ClickStream(
        path + " (" + format.name().toLowerCase() + ")",
        records,
        records.size(),
        users.size(),
        items.size());
  }

  /**
   * A synthetic stream with planted user/item clusters. Counts distinct ids with one pass of the
   * generator.
   */
  public static ClickStream synthetic(PlantedClusterClicks clicks) {
    return synthetic(
        String.format(
            "synthetic: %d users, %d items, %d clusters, %d events",
            clicks.users(), clicks.items(), clicks.clusters(), clicks.events()),
        clicks);
  }

  /**
   * A synthetic stream from a generator whose every iteration replays the same clicks, in timestamp
   * order. Counts the clicks and distinct ids with one pass of the generator.
   */
  public static ClickStream synthetic(String description, Iterable<Interaction> clicks) {
    Set<String> users = new HashSet<>();
    Set<String> items = new HashSet<>();
    long events = 0;
    for (Interaction i : clicks) {
      users.add(i.userId());
      items.add(i.itemId());
      events++;
    }
    Iterable<ClickRecord> records =
        () ->
            new Iterator<>() {
              private final Iterator<Interaction> it = clicks.iterator();
              private long line;

              @Override
              public boolean hasNext() {
                return it.hasNext();
              }

              @Override
              public ClickRecord next() {
                Interaction i = it.next();
                return new ClickRecord(i.userId(), i.itemId(), i.eventTimeMillis(), ++line);
              }
            };
    return new ClickStream(description, records, events, users.size(), items.size());
  }
}

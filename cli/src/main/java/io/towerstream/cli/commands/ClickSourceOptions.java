package io.towerstream.cli.commands;

import io.towerstream.cli.demo.ClickStream;
import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.model.synthetic.LongTailClicks;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * Where the clicks come from, for every command that sends a stream: a click log, or a synthetic
 * generator of the shape {@code --synthetic-shape} names. A size option left unset (no flag,
 * variable or file entry) takes the shape's own default, so each shape's defaults hold whole: the
 * long-tail ones are {@link LongTailClicks}'s.
 */
public final class ClickSourceOptions {
  static final int PLANTED_USERS = 2_000;
  static final int PLANTED_ITEMS = 1_000;
  static final int PLANTED_CLUSTERS = 20;
  static final long PLANTED_EVENTS = 200_000;
  static final long PLANTED_SEED = 42;
  static final int LONG_TAIL_USERS = 6_000;
  static final int LONG_TAIL_ITEMS = 12_000;
  static final int LONG_TAIL_TOPICS = 300;
  static final long LONG_TAIL_EVENTS = 60_000;
  static final long LONG_TAIL_SEED = 11;

  /**
   * The MovieLens {@code u.item} beside a MovieLens {@code --data} file, or null: the catalogue the
   * demo and {@code eval} feed as side features unless told another.
   */
  java.nio.file.Path movieLensItemsBeside() {
    if (data == null || format != ClickFileFormat.MOVIELENS) {
      return null;
    }
    java.nio.file.Path beside = data.toAbsolutePath().resolveSibling("u.item");
    return java.nio.file.Files.isRegularFile(beside) ? beside : null;
  }

  @Option(
      names = "--data",
      description = "Click log to send; without it a synthetic stream of --synthetic-shape.")
  Path data;

  @Option(
      names = "--format",
      defaultValue = "movielens",
      converter = FormatConverter.class,
      description =
          "Format of --data: movielens (u.data) or csv (user,item,timestamp). Default: ${DEFAULT-VALUE}.")
  ClickFileFormat format;

  @Option(
      names = "--synthetic-shape",
      defaultValue = "planted",
      converter = SyntheticShape.Converter.class,
      paramLabel = "planted|long-tail",
      description =
          "Synthetic stream: planted (users and items in planted clusters) or long-tail (sparse"
              + " clicks over a long-tail catalogue in topics, Zipf item popularity and user"
              + " activity, a user's next click often in the topic of their last); each size left"
              + " unset takes the shape's default (default: ${DEFAULT-VALUE}).")
  SyntheticShape shape;

  @Option(
      names = "--synthetic-users",
      description =
          "Synthetic stream: users (default: "
              + PLANTED_USERS
              + " planted, "
              + LONG_TAIL_USERS
              + " long-tail).")
  Integer syntheticUsers;

  @Option(
      names = "--synthetic-items",
      description =
          "Synthetic stream: items (default: "
              + PLANTED_ITEMS
              + " planted, "
              + LONG_TAIL_ITEMS
              + " long-tail).")
  Integer syntheticItems;

  @Option(
      names = "--synthetic-clusters",
      description =
          "Planted synthetic stream: clusters (default: "
              + PLANTED_CLUSTERS
              + "); refused with --synthetic-shape long-tail.")
  Integer syntheticClusters;

  @Option(
      names = "--synthetic-topics",
      description =
          "Long-tail synthetic stream: topics the items fall into, at most --synthetic-items"
              + " (default: "
              + LONG_TAIL_TOPICS
              + "); refused with --synthetic-shape planted.")
  Integer syntheticTopics;

  @Option(
      names = "--synthetic-events",
      description =
          "Synthetic stream: events (default: "
              + PLANTED_EVENTS
              + " planted, "
              + LONG_TAIL_EVENTS
              + " long-tail).")
  Long syntheticEvents;

  @Option(
      names = "--seed",
      description =
          "Seed of the synthetic stream (default: "
              + PLANTED_SEED
              + " planted, "
              + LONG_TAIL_SEED
              + " long-tail).")
  Long seed;

  /** The stream these options name; the generator checks its own sizes. */
  ClickStream stream() throws IOException {
    return data != null
        ? ClickStream.fromFile(data, format)
        : ClickStream.synthetic(name(), synthetic());
  }

  /**
   * The synthetic generator these options describe (whether or not {@code --data} replaces it): a
   * fresh one, whose every iteration replays the same clicks.
   *
   * @throws IllegalArgumentException naming the option of the other shape that is set, or the size
   *     that is out of range
   */
  Iterable<Interaction> synthetic() {
    for (SyntheticShape other : SyntheticShape.values()) {
      if (other != shape && groupsSet(other) != null) {
        throw new IllegalArgumentException(
            other.groupOption()
                + " applies to --synthetic-shape "
                + other.cliName()
                + " only; "
                + shape.cliName()
                + " takes "
                + shape.groupOption());
      }
    }
    try {
      return switch (shape) {
        case PLANTED ->
            PlantedClusterClicks.builder()
                .users(users())
                .items(items())
                .clusters(groups())
                .events(events())
                .seed(seed())
                .build();
        case LONG_TAIL ->
            LongTailClicks.builder()
                .users(users())
                .items(items())
                .topics(groups())
                .events(events())
                .seed(seed())
                .build();
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "synthetic stream of --synthetic-shape "
              + shape.cliName()
              + " ("
              + sizes()
              + "): "
              + e.getMessage(),
          e);
    }
  }

  /** The clicks as one list in replay (timestamp) order, numbered from line 1. */
  List<ClickRecord> records() throws IOException {
    if (data != null) {
      return ClickFileReader.readSorted(data, format);
    }
    List<ClickRecord> out = new ArrayList<>();
    long line = 0;
    for (Interaction i : synthetic()) { // timestamps increase with the index: sorted already
      out.add(new ClickRecord(i.userId(), i.itemId(), i.eventTimeMillis(), ++line));
    }
    return out;
  }

  /** What a report calls the clicks: the file's name, or the generator's shape and sizes. */
  String name() {
    return data != null
        ? data.getFileName().toString()
        : "synthetic " + shape.cliName() + " (" + sizes() + ", seed " + seed() + ")";
  }

  private String sizes() {
    return String.format(
        Locale.ROOT,
        "%d users, %d items, %d %s, %d events",
        users(),
        items(),
        groups(),
        shape.groups(),
        events());
  }

  /** The synthetic stream's users: the option's value, else the shape's default. */
  int users() {
    return orShapeDefault(syntheticUsers, PLANTED_USERS, LONG_TAIL_USERS);
  }

  int items() {
    return orShapeDefault(syntheticItems, PLANTED_ITEMS, LONG_TAIL_ITEMS);
  }

  /** Clusters of the planted stream, topics of the long-tail one. */
  int groups() {
    return orShapeDefault(groupsSet(shape), PLANTED_CLUSTERS, LONG_TAIL_TOPICS);
  }

  long events() {
    return orShapeDefault(syntheticEvents, PLANTED_EVENTS, LONG_TAIL_EVENTS);
  }

  long seed() {
    return orShapeDefault(seed, PLANTED_SEED, LONG_TAIL_SEED);
  }

  /** The value of {@code shape}'s group option, null when unset. */
  private Integer groupsSet(SyntheticShape of) {
    return of == SyntheticShape.PLANTED ? syntheticClusters : syntheticTopics;
  }

  private int orShapeDefault(Integer set, int planted, int longTail) {
    return set != null ? set : shape == SyntheticShape.PLANTED ? planted : longTail;
  }

  private long orShapeDefault(Long set, long planted, long longTail) {
    return set != null ? set : shape == SyntheticShape.PLANTED ? planted : longTail;
  }
}

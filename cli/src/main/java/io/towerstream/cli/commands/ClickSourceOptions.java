package io.towerstream.cli.commands;

import io.towerstream.cli.demo.ClickStream;
import io.towerstream.model.Interaction;
import io.towerstream.model.data.ClickFileFormat;
import io.towerstream.model.data.ClickFileReader;
import io.towerstream.model.data.ClickRecord;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Where the clicks come from, for every command that sends a stream: a click log, or the synthetic
 * generator.
 */
public final class ClickSourceOptions {
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
      description = "Click log to send; without it a synthetic stream with planted clusters.")
  Path data;

  @Option(
      names = "--format",
      defaultValue = "movielens",
      converter = FormatConverter.class,
      description =
          "Format of --data: movielens (u.data) or csv (user,item,timestamp). Default: ${DEFAULT-VALUE}.")
  ClickFileFormat format;

  @Option(
      names = "--synthetic-users",
      defaultValue = "2000",
      description = "Synthetic stream: users (default: ${DEFAULT-VALUE}).")
  int syntheticUsers;

  @Option(
      names = "--synthetic-items",
      defaultValue = "1000",
      description = "Synthetic stream: items (default: ${DEFAULT-VALUE}).")
  int syntheticItems;

  @Option(
      names = "--synthetic-clusters",
      defaultValue = "20",
      description = "Synthetic stream: planted clusters (default: ${DEFAULT-VALUE}).")
  int syntheticClusters;

  @Option(
      names = "--synthetic-events",
      defaultValue = "200000",
      description = "Synthetic stream: events (default: ${DEFAULT-VALUE}).")
  long syntheticEvents;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the synthetic stream (default: ${DEFAULT-VALUE}).")
  long seed;

  /** The stream these options name; the generator checks its own sizes. */
  ClickStream stream() throws IOException {
    return data != null ? ClickStream.fromFile(data, format) : ClickStream.synthetic(synthetic());
  }

  /**
   * The synthetic generator these options describe (whether or not {@code --data} replaces it).
   *
   * @throws IllegalArgumentException naming the size that is out of range
   */
  PlantedClusterClicks synthetic() {
    return PlantedClusterClicks.builder()
        .users(syntheticUsers)
        .items(syntheticItems)
        .clusters(syntheticClusters)
        .events(syntheticEvents)
        .seed(seed)
        .build();
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

  /** What a report calls the clicks: the file's name, or the generator's sizes. */
  String name() {
    return data != null
        ? data.getFileName().toString()
        : String.format(
            java.util.Locale.ROOT,
            "synthetic (%d users, %d items, %d clusters, %d events, seed %d)",
            syntheticUsers,
            syntheticItems,
            syntheticClusters,
            syntheticEvents,
            seed);
  }
}

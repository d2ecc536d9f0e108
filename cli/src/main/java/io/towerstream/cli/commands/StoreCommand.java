package io.towerstream.cli.commands;

import picocli.CommandLine.Command;

/**
 * {@code towerstream store ...}: operations on a retrieval store; only a container of subcommands.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    description =
        "Operate a retrieval store: snapshot a running replica, restore a snapshot into a new directory.",
    subcommands = {StoreSnapshotCommand.class, StoreRestoreCommand.class})
public final class StoreCommand {}

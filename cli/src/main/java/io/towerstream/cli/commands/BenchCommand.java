package io.towerstream.cli.commands;

import picocli.CommandLine.Command;

/**
 * {@code towerstream bench ...}: benchmarks that print figures; only a container of subcommands.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print their figures.",
    subcommands = {BenchStoreCommand.class, BenchTrainCommand.class})
public final class BenchCommand {}

package io.towerstream.cli.commands;

import io.towerstream.cli.demo.DemoStack;
import io.towerstream.cli.demo.ItemFeatureProducer;
import io.towerstream.cli.eval.EvalProtocol;
import io.towerstream.cli.eval.EvalResult;
import io.towerstream.cli.eval.EvalRun;
import io.towerstream.cli.options.ConfigFileOption;
import io.towerstream.jobs.JobConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Measures the real pipeline's retrieval quality, beside offline peers: judged click by click as
 * the log streams (next-click), or on a temporal hold-out after training on its first part
 * (frozen).
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Retrieval quality through the real pipeline: the time-ordered clicks are replayed into an in-process"
          + " broker, trained by the job on a local Flink MiniCluster and served by the retrieval store.",
      "--protocol next-click (default): the whole log streams through; the trainer ranks each click of the"
          + " window (the clicks from --split on) before training on it, and reports as served, the towers"
          + " alone and its popularity baselines. Offline peers on the same clicks and batches: popularity,"
          + " recent popularity, and EASE refitted --refits times across the window.",
      "--protocol frozen: the first --split trains once; every test user is then ranked over HTTP with"
          + " their training items excluded, beside popularity, recent popularity and EASE on the same split.",
      "--protocol both: the frozen ranking after the first part, then the rest next-click, in one run.",
      "Without --data the clicks are a synthetic stream: planted clusters, or with --synthetic-shape"
          + " long-tail a sparse long-tail catalogue (--synthetic-*).",
      "Prints a table on stderr and, as the last line on stdout, one JSON object with every metric.",
      "Training-job options (see `towerstream train --help-job`) may follow, e.g. --model.dim 32."
    },
    footer = {
      "",
      "Example: towerstream eval --data ../shared/data/ml-100k/u.data --format movielens",
      "         towerstream eval --data ../shared/data/ml-100k/u.data --protocol frozen -k 10,20,50",
      "         towerstream eval --synthetic-users 100000 --synthetic-items 100000 \\",
      "             --synthetic-clusters 100 --synthetic-events 1000000",
      "         towerstream eval --synthetic-shape long-tail --ease-max-items 15000"
    })
public final class EvalCommand implements Callable<Integer> {
  /** The store answers at most this many candidates per query. */
  static final int MAX_K = 1000;

  @Spec CommandSpec spec;

  @Mixin ConfigFileOption config;

  @Mixin ClickSourceOptions source;

  @Option(
      names = "--protocol",
      defaultValue = "next-click",
      paramLabel = "next-click|frozen|both",
      description =
          "next-click: every click of the window judged before it trains; frozen: the test users"
              + " ranked once after the first part trained; both, in one run (default:"
              + " ${DEFAULT-VALUE}).")
  String protocol;

  @Option(
      names = "--split",
      defaultValue = "0.8",
      description =
          "Fraction of the time-ordered clicks before the judged part, in (0, 1): frozen trains on"
              + " it; next-click judges from the first click at or after its timestamp (default:"
              + " ${DEFAULT-VALUE}).")
  double split;

  @Option(
      names = {"-k", "--k"},
      defaultValue = "10,20,50",
      paramLabel = "K[,K...]",
      description =
          "frozen: cut-offs of Recall@K and NDCG@K, 1 to "
              + MAX_K
              + "; next-click reports HR@10, HR@20, NDCG@20 and MRR (default: ${DEFAULT-VALUE}).")
  String ks;

  @Option(
      names = "--ease-max-items",
      defaultValue = "" + io.towerstream.model.eval.Baselines.EASE_MAX_ITEMS,
      description =
          "EASE is solved only for catalogues up to this many items (an items x items inverse per"
              + " lambda); above it the JSON says it was skipped and why (default: ${DEFAULT-VALUE}).")
  int easeMaxItems;

  @Option(
      names = "--refits",
      defaultValue = "10",
      description =
          "next-click: times the EASE peer is refitted, evenly across the window, each time on every"
              + " click before it (default: ${DEFAULT-VALUE}).")
  int refits;

  @Option(
      names = "--ease-lambda",
      defaultValue = "tune",
      paramLabel = "tune|LAMBDA",
      description =
          "next-click: the EASE peer's L2 weight, a positive number, or tune: the best HR@10 of a"
              + " grid on the stretch before the window (default: ${DEFAULT-VALUE}).")
  String easeLambda;

  @Option(
      names = "--items",
      paramLabel = "FILE",
      description =
          "MovieLens u.item file (or its directory): its genres and release years are produced to the"
              + " item-features topic before the clicks, as the item tower's side features, and the"
              + " report adds the cold-start protocol (items first seen in the test part). Default: the"
              + " u.item beside a MovieLens --data file, if there is one (as the demo).")
  Path items;

  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    int[] cutoffs = validate();
    EvalResult report =
        new EvalRun(source.name(), source::records, split, cutoffs, jobArgs)
            .protocol(EvalProtocol.parse(protocol))
            .easeMaxItems(easeMaxItems)
            .nextClickEase(refits, lambda())
            .itemFeatures(
                catalogue() == null
                    ? List.of()
                    : ItemFeatureProducer.readMovieLens(catalogue(), java.time.Instant.now()))
            .run();
    spec.commandLine().getErr().print(report.table());
    spec.commandLine().getErr().flush();
    spec.commandLine().getOut().println(report.json());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** The {@code --items} file, else the u.item beside a MovieLens {@code --data}, else null. */
  private Path catalogue() {
    return items != null ? items : source.movieLensItemsBeside();
  }

  /**
   * Checks every option before anything starts; a bad one is a usage error (exit 2) naming the
   * option. Returns the cut-offs, ascending and distinct.
   */
  int[] validate() {
    EvalProtocol chosen;
    try {
      chosen = EvalProtocol.parse(protocol);
    } catch (IllegalArgumentException e) {
      throw usage("--protocol: " + e.getMessage());
    }
    if (refits < 1) {
      throw usage("--refits must be at least 1, was " + refits);
    }
    if (easeMaxItems < 0) {
      throw usage("--ease-max-items must be >= 0, was " + easeMaxItems);
    }
    lambda();
    if (!(split > 0 && split < 1)) {
      throw usage("--split must be in (0, 1), was " + split);
    }
    if (source.data != null && !Files.isRegularFile(source.data)) {
      throw usage("--data: no such file: " + source.data.toAbsolutePath());
    }
    if (source.data == null) {
      try {
        source.synthetic();
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage()); // names the shape, and the option where one is wrong
      }
    }
    if (items != null && !Files.exists(items)) {
      throw usage("--items: no such file: " + items.toAbsolutePath());
    }
    int[] cutoffs = parseKs(ks);
    JobConfig job;
    try {
      job = DemoStack.validateJobArgs(jobArgs);
    } catch (IllegalArgumentException e) {
      throw usage("training-job option: " + e.getMessage());
    }
    if (chosen.nextClick() && job.prequentialSampleRate() == 0) {
      throw usage(
          "--eval.prequential.sample-rate 0 turns off the trainer's evaluation, which --protocol "
              + chosen.cliName()
              + " reads");
    }
    return cutoffs;
  }

  /**
   * {@code --ease-lambda} as the peers take it: NaN for {@code tune}.
   *
   * @throws ParameterException naming the option, for anything else than a positive number
   */
  double lambda() {
    if (easeLambda.trim().equalsIgnoreCase("tune")) {
      return Double.NaN;
    }
    double v;
    try {
      v = Double.parseDouble(easeLambda.trim());
    } catch (NumberFormatException e) {
      v = Double.NaN;
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw usage("--ease-lambda must be tune or a positive number, was '" + easeLambda + "'");
    }
    return v;
  }

  private int[] parseKs(String value) {
    TreeSet<Integer> parsed = new TreeSet<>();
    for (String part : value.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int k;
      try {
        k = Integer.parseInt(part.trim());
      } catch (NumberFormatException e) {
        throw usage("-k must be a comma-separated list of integers, was '" + value + "'");
      }
      if (k < 1 || k > MAX_K) {
        throw usage("-k values must be between 1 and " + MAX_K + ", was " + k);
      }
      parsed.add(k);
    }
    if (parsed.isEmpty()) {
      throw usage("-k needs at least one cut-off, like 10,20,50");
    }
    return parsed.stream().mapToInt(Integer::intValue).toArray();
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}

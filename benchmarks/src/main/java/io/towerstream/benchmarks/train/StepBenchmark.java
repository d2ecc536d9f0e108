package io.towerstream.benchmarks.train;

import io.towerstream.benchmarks.quality.HarnessOptions;
import io.towerstream.config.Option;
import io.towerstream.config.OptionValues;
import io.towerstream.model.Interaction;
import io.towerstream.model.ModelConfig;
import io.towerstream.model.ModelConfigBuilder;
import io.towerstream.model.OnlineModel;
import io.towerstream.model.synthetic.PlantedClusterClicks;
import io.towerstream.model.twotower.TwoTowerModels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Times training steps on a synthetic stream and prints the figures; asserts nothing. Run with
 * {@code OMP_NUM_THREADS=1} (ND4J's two default OpenMP threads make small steps 2.5-3x slower on
 * few cores): {@code java -cp <benchmarks classpath> io.towerstream.benchmarks.train.StepBenchmark
 * [batch] [dim] [negatives] [steps] [projection] [key=value …]} ({@link #main}), the keys the
 * harness's model keys and {@code users=N}, the stream's users (default 100,000: most have no
 * earlier click, so whatever works on the history, such as the item–item views, costs more with
 * fewer users).
 */
public final class StepBenchmark {
  private StepBenchmark() {}

  /**
   * Milliseconds per step after warm-up: wall-clock mean and median, and the training thread's CPU
   * time per step, which excludes time the thread waited for a core (other processes sharing the
   * machine).
   */
  public record Result(
      int batchSize,
      int dim,
      int negatives,
      boolean projection,
      int steps,
      double meanMillis,
      double medianMillis,
      double cpuMillis) {
    /** The step's gemm work ({@link #gemmFlops}) per millisecond of thread CPU, in GFLOP/s. */
    public double gflops(ModelConfig config) {
      return gemmFlops(config) / (cpuMillis * 1e6);
    }

    @Override
    public String toString() {
      return String.format(
          "B=%d d=%d M=%d projection=%b: wall %.2f ms/step mean, %.2f median; thread CPU %.2f"
              + " ms/step (%d steps)",
          batchSize, dim, negatives, projection, meanMillis, medianMillis, cpuMillis, steps);
    }
  }

  /**
   * The floating-point operations of one step's three gemms, which dominate it: the scores {@code
   * U·Vᵀ} and the two gradients {@code G·V} and {@code Gᵀ·U}, each {@code 2·B·C·w} with {@code C =
   * B + M} candidates (plus the queue) and {@code w = d + 1} columns (the bias rides in one). The
   * softmax, the gathers and the optimizer are not counted, so this is the useful work a BLAS-bound
   * step would do.
   */
  public static double gemmFlops(ModelConfig c) {
    double columns = c.batchSize() + c.reservoirNegatives() + c.queueSize();
    double width = c.dim() + (c.itemBias() ? 1 : 0);
    return 3 * 2.0 * c.batchSize() * columns * width;
  }

  public static Result run(ModelConfig config, int warmupSteps, int steps) {
    return run(config, warmupSteps, steps, DEFAULT_USERS);
  }

  /** The stream's users unless told otherwise. */
  public static final int DEFAULT_USERS = 100_000;

  /** As {@link #run(ModelConfig, int, int)} on a stream of {@code users} users. */
  public static Result run(ModelConfig config, int warmupSteps, int steps, int users) {
    int b = config.batchSize();
    PlantedClusterClicks clicks =
        PlantedClusterClicks.builder()
            .users(users)
            .items(50_000)
            .clusters(50)
            .events((long) (warmupSteps + steps) * b)
            .seed(1)
            .build();
    Iterator<Interaction> it = clicks.iterator();
    OnlineModel model = TwoTowerModels.create(config);
    long[] nanos = new long[steps];
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpuNanos = 0;
    for (int s = 0; s < warmupSteps + steps; s++) {
      List<Interaction> batch = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        batch.add(it.next());
      }
      long c0 = threads.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      model.train(batch);
      long t1 = System.nanoTime();
      long c1 = threads.getCurrentThreadCpuTime();
      if (s >= warmupSteps) {
        nanos[s - warmupSteps] = t1 - t0;
        cpuNanos += c1 - c0;
      }
    }
    double cpuMillis = cpuNanos / 1e6 / steps;
    long[] sorted = nanos.clone();
    java.util.Arrays.sort(sorted);
    double mean = java.util.Arrays.stream(nanos).average().orElse(0) / 1e6;
    return new Result(
        b,
        config.dim(),
        config.reservoirNegatives(),
        config.towerProjection(),
        steps,
        mean,
        sorted[steps / 2] / 1e6,
        cpuMillis);
  }

  /** The positional words, in order, and the model option each sets. */
  private static final List<String> POSITIONAL =
      List.of("batchSize", "dim", "reservoirNegatives", "steps", "towerProjection");

  static final Option<Integer> STEPS =
      Option.intOption("steps")
          .defaultValue(500)
          .check(v -> v > 0, "positive")
          .doc("Steps measured, after a fifth as many (at least 50) to warm up.");

  static final Option<Integer> USERS =
      Option.intOption("users")
          .defaultValue(DEFAULT_USERS)
          .check(v -> v > 0, "positive")
          .doc("Users of the planted stream.");

  /**
   * {@code [batch] [dim] [negatives] [steps] [projection] [key=value …]}: the positional words are
   * short for {@code batchSize=}, {@code dim=}, {@code reservoirNegatives=}, {@code steps=} and
   * {@code towerProjection=}; all are read by the harness's option rules (a repeated or unknown key
   * fails naming it).
   */
  public static void main(String[] args) {
    Invocation run = Invocation.of(args);
    System.out.println(
        run(run.config(), Math.max(50, run.steps() / 5), run.steps(), run.users())
            + " "
            + String.join(" ", run.keyed()));
  }

  /** What a command line asks for; {@code keyed} its {@code key=value} words, for the output. */
  record Invocation(ModelConfig config, int steps, int users, List<String> keyed) {
    static Invocation of(String... args) {
      List<String> words = new ArrayList<>();
      int k = 0;
      for (; k < Math.min(args.length, POSITIONAL.size()) && args[k].indexOf('=') < 0; k++) {
        words.add(POSITIONAL.get(k) + "=" + args[k]);
      }
      List<String> keyed = List.of(args).subList(k, args.length);
      words.addAll(keyed);
      OptionValues given = HarnessOptions.parseWithModel(words, List.of(STEPS, USERS));
      // the benchmark's own starting point where the words leave them out
      ModelConfigBuilder b = ModelConfig.builder().batchSize(256).dim(64).reservoirNegatives(64);
      HarnessOptions.applyModel(given, b);
      return new Invocation(b.build(), given.get(STEPS), given.get(USERS), keyed);
    }
  }
}

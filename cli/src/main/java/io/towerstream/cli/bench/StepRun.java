package io.towerstream.cli.bench;

import io.towerstream.benchmarks.train.SgemmBenchmark;
import io.towerstream.benchmarks.train.StepBenchmark;
import io.towerstream.model.ModelConfig;

/**
 * The training step alone, against the BLAS peak of the same process: the fraction of sgemm a step
 * reaches.
 */
final class StepRun {
  private StepRun() {}

  record Result(
      int batchSize,
      int dim,
      int negatives,
      double cpuMillis,
      double medianMillis,
      double gflop,
      double gflops,
      double sgemmGflops) {
    double fractionOfPeak() {
      return gflops / sgemmGflops;
    }

    double eventsPerSecond() {
      return batchSize / (cpuMillis / 1000);
    }
  }

  /**
   * One ND4J gemm of this size gives the peak; 2048 needs 48 MB and about half a second a call
   * here.
   */
  static final int SGEMM_SIZE = 2048;

  static double sgemm() {
    return SgemmBenchmark.gflops(SGEMM_SIZE, 5);
  }

  static Result run(ModelConfig config, double sgemmGflops) {
    int steps = Math.max(100, 200_000 / config.batchSize());
    StepBenchmark.Result r = StepBenchmark.run(config, Math.max(50, steps / 4), steps);
    double flops = StepBenchmark.gemmFlops(config);
    return new Result(
        config.batchSize(),
        config.dim(),
        config.reservoirNegatives(),
        r.cpuMillis(),
        r.medianMillis(),
        flops / 1e9,
        r.gflops(config),
        sgemmGflops);
  }
}

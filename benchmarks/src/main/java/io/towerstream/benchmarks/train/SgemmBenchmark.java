package io.towerstream.benchmarks.train;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The machine's float matrix-multiply rate through ND4J (its BLAS, with the threads ND4J is
 * allowed): the ceiling a training step's gemms can approach, measured in the same process as the
 * step it is compared with.
 */
public final class SgemmBenchmark {
  private SgemmBenchmark() {}

  /**
   * Best of {@code repetitions} timings of one {@code n × n · n × n} FLOAT gemm, after one warm-up
   * call.
   *
   * @return GFLOP/s, counting {@code 2n³} floating-point operations per call
   */
  public static double gflops(int n, int repetitions) {
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.createUninitialized(DataType.FLOAT, n, n);
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    long best = Long.MAX_VALUE;
    for (int r = 0; r < repetitions; r++) {
      long t0 = System.nanoTime();
      Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
      best = Math.min(best, System.nanoTime() - t0);
    }
    return 2.0 * n * n * n / best;
  }

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 2048;
    System.out.printf("sgemm %d x %d: %.1f GFLOP/s (best of 5)%n", n, n, gflops(n, 5));
  }
}

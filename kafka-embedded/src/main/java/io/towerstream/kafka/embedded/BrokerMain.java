package io.towerstream.kafka.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded broker as a process of its own, for tests that need Kafka outside their JVM (a
 * multi-process Flink cluster, a broker that is killed and restarted): {@code java -cp …
 * io.towerstream.kafka.embedded.BrokerMain --log-dir DIR [--port N]}. Prints {@code READY
 * host:port} on standard output once clients can connect, and runs until it is terminated (a
 * shutdown hook stops the broker cleanly on SIGTERM).
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path logDir = null;
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--log-dir" -> logDir = Path.of(value(args, ++i, "--log-dir"));
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        default ->
            throw new IllegalArgumentException(
                "unknown option " + args[i] + "; usage: --log-dir DIR [--port N]");
      }
    }
    if (logDir == null) {
      throw new IllegalArgumentException("--log-dir is required; usage: --log-dir DIR [--port N]");
    }
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.persistent(logDir, port, Map.of("log.retention.ms", "-1")).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  broker.close();
                  stopped.countDown();
                },
                "broker-shutdown"));
    System.out.println("READY " + broker.bootstrapServers());
    System.out.flush();
    stopped.await();
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }
}

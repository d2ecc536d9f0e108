package io.towerstream.kafka.embedded;

import io.towerstream.config.Option;
import io.towerstream.config.OptionSet;
import io.towerstream.config.OptionValues;
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
  static final Option<Path> LOG_DIR =
      Option.pathOption("log-dir")
          .required()
          .doc("The broker's log directory, formatted on first use and kept across restarts.");

  static final Option<Integer> PORT =
      Option.intOption("port")
          .defaultValue(0)
          .check(p -> p >= 0 && p <= 65_535, "a port in [0, 65535]")
          .doc("The client port on the loopback address; 0 = any free port.");

  static final OptionSet OPTIONS = OptionSet.of(LOG_DIR, PORT);

  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    OptionValues options;
    try {
      options = OPTIONS.parse(args);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          e.getMessage() + "\n" + OPTIONS.usage("Usage: BrokerMain --log-dir DIR [--port N]", ""),
          e);
    }
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.persistent(
                options.get(LOG_DIR), options.get(PORT), Map.of("log.retention.ms", "-1"))
            .start();
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
}

package io.towerstream.store;

import java.util.concurrent.CountDownLatch;

/**
 * Runs one retrieval store replica as its own process until it is terminated (SIGTERM closes it
 * cleanly): {@code java -cp ... io.towerstream.store.StoreMain --bootstrap-servers localhost:9092
 * --db-path /var/lib/towerstream/store --port 8080}. See {@link StoreArgs#USAGE} for every option.
 */
public final class StoreMain {
  private StoreMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (StoreArgs.wantsHelp(args)) {
      System.out.println(StoreArgs.USAGE);
      return;
    }
    StoreConfig config;
    try {
      config = StoreArgs.parse(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(StoreArgs.USAGE);
      System.exit(2);
      return;
    }
    RetrievalStore store = RetrievalStore.open(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  store.close();
                  stopped.countDown();
                },
                "store-shutdown"));
    System.out.println(
        "towerstream store serving http://"
            + config.httpHost()
            + ":"
            + store.port()
            + " from "
            + config.dbPath()
            + " (Kafka "
            + config.bootstrapServers()
            + ")");
    stopped.await();
  }
}

package io.towerstream.cli.commands;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.StoreArgs;
import io.towerstream.store.StoreConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Runs one retrieval store replica against an external Kafka cluster. Its options are the
 * standalone store's ({@link StoreArgs}, also read from {@code TOWERSTREAM_STORE_*} variables), so
 * both processes take the same ones.
 */
@Command(
    name = "serve",
    sortOptions = false,
    description = {
      "Runs a retrieval store replica: consumes `embeddings` (the whole topic, no consumer group) into "
          + "RocksDB and serves the HTTP API until interrupted. Run several behind a load balancer for more QPS. "
          + "--help lists every option."
    })
public final class ServeCommand implements Callable<Integer> {
  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    String[] storeArgs = args.toArray(String[]::new);
    if (StoreArgs.wantsHelp(storeArgs)) {
      System.out.println(StoreArgs.USAGE);
      return 0;
    }
    StoreConfig config = StoreArgs.parse(storeArgs, System.getenv());
    RetrievalStore store = RetrievalStore.open(config).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  store.close();
                  stopped.countDown();
                },
                "serve-shutdown"));
    System.out.println(
        "retrieval store: http://"
            + config.httpHost()
            + ":"
            + store.port()
            + " consuming "
            + config.embeddingsTopic()
            + " from "
            + config.bootstrapServers()
            + " into "
            + config.dbPath()
            + (config.authToken() != null ? " (bearer token required)" : ""));
    stopped.await();
    return 0;
  }
}

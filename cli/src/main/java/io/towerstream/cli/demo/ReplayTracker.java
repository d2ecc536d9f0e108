package io.towerstream.cli.demo;

import io.towerstream.store.RetrievalStore;
import io.towerstream.store.query.StoreStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Knows what the demo replayed and decides when the replay is done: every replayed event trained,
 * every user and item of the stream embedded in the store, and the store caught up with the topics.
 */
public final class ReplayTracker {
  private final ClickStream stream;
  private final RetrievalStore store;
  private volatile ClickReplayer replayer;
  private volatile boolean producingFinished;
  private volatile long doneAtMillis = -1;

  public ReplayTracker(ClickStream stream, RetrievalStore store) {
    this.stream = stream;
    this.store = store;
  }

  void replayStarted(ClickReplayer replayer) {
    this.replayer = replayer;
  }

  void producingFinished() {
    producingFinished = true;
  }

  public long eventsReplayed() {
    ClickReplayer r = replayer;
    return r == null ? 0 : r.acknowledged();
  }

  /** Whether everything replayed is trained and embedded; sticky once true. */
  public boolean replayDone() {
    if (doneAtMillis >= 0) {
      return true;
    }
    if (!producingFinished) {
      return false;
    }
    StoreStatus s = store.status();
    boolean done =
        s.eventsTrained() >= eventsReplayed()
            && s.usersEmbedded() >= stream.users()
            && s.itemsEmbedded() >= stream.items()
            && store.isCaughtUp();
    if (done) {
      doneAtMillis = System.currentTimeMillis();
    }
    return done;
  }

  /** Extra fields for the store's {@code /v1/status}. */
  public Map<String, Object> statusFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("replayDone", replayDone());
    m.put("eventsReplayed", eventsReplayed());
    m.put("eventsInDataset", stream.events());
    m.put("usersSeen", stream.users());
    m.put("itemsSeen", stream.items());
    m.put("dataset", stream.description());
    return m;
  }
}

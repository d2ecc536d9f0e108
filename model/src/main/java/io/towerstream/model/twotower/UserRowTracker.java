package io.towerstream.model.twotower;

import io.towerstream.model.UserRowSink;
import java.util.ArrayList;
import java.util.List;

/**
 * The user rows changed since they were last handed out, and the users whose row went in between,
 * for {@link io.towerstream.model.OnlineModel#drainUserRows}. Not snapshotted: the caller drains
 * before it snapshots.
 */
final class UserRowTracker {
  private final ChangeTracker changed = new ChangeTracker();
  private final List<String> removed = new ArrayList<>();

  void changed(int slot) {
    changed.mark(slot);
  }

  void removed(int slot, String id) {
    changed.forget(slot);
    removed.add(id);
  }

  /** Removals first, then rows: a user evicted and back within one drain ends up present. */
  void drain(ModelState s, UserRowSink sink) {
    for (String id : removed) {
      sink.removed(id);
    }
    removed.clear();
    for (int slot : changed.take(s.users.size())) {
      if (s.users.isLive(slot)) {
        sink.changed(s.users.idAt(slot), UserRowCodec.encode(s, slot));
      }
    }
  }
}

package io.towerstream.model.twotower;

import io.towerstream.model.Interaction;
import io.towerstream.model.tables.AdmissionFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * Holds back the events of ids not admitted to their table yet ({@link AdmissionFilter}). An event
 * trains only when both its user and its item are admitted: training one side against a row that
 * does not exist would need a throw-away embedding, whose gradient teaches the other side nothing.
 * A held-back event still counts as a sighting of both ids, and counts in {@code heldBackEvents};
 * it reaches no other state (frequency estimate, reservoir, popularity prior, history), since all
 * of those are kept per row.
 */
final class AdmissionGate {
  private final ModelState s;

  AdmissionGate(ModelState s) {
    this.s = s;
  }

  /** Stages the batch's sightings and picks the events that train. Reads only. */
  Decision decide(List<Interaction> batch) {
    if (s.userAdmission.admitsAll() && s.itemAdmission.admitsAll()) {
      return new Decision(batch, null, null);
    }
    AdmissionFilter.Sightings users = s.userAdmission.begin();
    AdmissionFilter.Sightings items = s.itemAdmission.begin();
    List<Interaction> admitted = new ArrayList<>(batch.size());
    for (Interaction x : batch) {
      // Both sightings are counted, whatever the other side's answer.
      boolean user = users.sight(x.userId(), s.users.slotOf(x.userId()) >= 0);
      boolean item = items.sight(x.itemId(), s.items.slotOf(x.itemId()) >= 0);
      if (user && item) {
        admitted.add(x);
      }
    }
    return new Decision(admitted, users, items);
  }

  /** Applies an accepted step's sightings, once its new rows exist. */
  void commit(Decision d, int events) {
    s.heldBackEvents += events - d.events.size();
    if (d.users != null) {
      s.userAdmission.commit(d.users, id -> s.users.slotOf(id) >= 0);
      s.itemAdmission.commit(d.items, id -> s.items.slotOf(id) >= 0);
    }
  }

  /** The events that train, and the staged sightings (null when every id is admitted on sight). */
  record Decision(
      List<Interaction> events, AdmissionFilter.Sightings users, AdmissionFilter.Sightings items) {}
}

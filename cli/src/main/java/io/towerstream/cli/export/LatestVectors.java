package io.towerstream.cli.export;

import io.towerstream.schemas.avro.Entity;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The latest vector of every user and item within each model version, fed in topic order: of two
 * updates of one id and version the higher sequence wins whatever their order (as the store
 * decides), and a tombstone withdraws the id from every version. Not thread-safe.
 */
public final class LatestVectors {
  private final Map<Entity, Map<Long, Map<String, ExportedVector>>> byEntity =
      new EnumMap<>(Entity.class);

  /** Keeps {@code v} unless a higher sequence of the same id and version is held. */
  public void offer(Entity entity, ExportedVector v) {
    byEntity
        .computeIfAbsent(entity, e -> new TreeMap<>())
        .computeIfAbsent(v.modelVersion(), m -> new HashMap<>())
        .merge(v.id(), v, (held, offered) -> offered.sequence() > held.sequence() ? offered : held);
  }

  /** A tombstone: the id is gone from every version. */
  public void withdraw(Entity entity, String id) {
    byEntity.getOrDefault(entity, Map.of()).values().forEach(ids -> ids.remove(id));
  }

  /** The newest model version holding a vector of any entity; empty when there is none. */
  public OptionalLong newestVersion() {
    return byEntity.values().stream()
        .flatMap(versions -> versions.entrySet().stream())
        .filter(e -> !e.getValue().isEmpty())
        .mapToLong(Map.Entry::getKey)
        .max();
  }

  /** The vectors of one entity kind and version, sorted by id. */
  public List<ExportedVector> select(Entity entity, long modelVersion) {
    List<ExportedVector> out =
        new ArrayList<>(
            byEntity.getOrDefault(entity, Map.of()).getOrDefault(modelVersion, Map.of()).values());
    out.sort(Comparator.comparing(ExportedVector::id));
    return out;
  }
}

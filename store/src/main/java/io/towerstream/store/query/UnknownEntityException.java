package io.towerstream.store.query;

import io.towerstream.schemas.avro.Entity;

/** The store holds no vector for this user or item (yet). */
public class UnknownEntityException extends RuntimeException {
  public UnknownEntityException(Entity entity, String id) {
    super("unknown " + entity.name().toLowerCase(java.util.Locale.ROOT) + " '" + id + "'");
  }
}

package io.towerstream.model.tables;

/**
 * Told when a table evicts a row, before its slot is reused, so that per-slot state elsewhere can
 * be cleared.
 */
@FunctionalInterface
public interface EvictionListener {
  void onEvict(int slot, String id);
}

package io.towerstream.jobs.functions;

import io.towerstream.schemas.avro.ClickEvent;
import java.io.Serializable;

/**
 * What makes a decoded click trainable, beyond decoding: ids present and bounded (an id is a table
 * key, kept in memory, in state and in every published record, so a 10 KB id is an attack or a bug,
 * not a user), a finite positive weight no larger than {@code maxWeight} (one record must not
 * dominate a batch's loss), and an event time between 1970 and {@code maxFutureMs} ahead of the
 * operator's clock (event time drives watermarks; a click stamped next year would make every later
 * one late).
 *
 * @param maxIdLength most characters in a user or item id
 * @param maxWeight largest accepted weight
 * @param maxFutureMs how far ahead of processing time an event time may be
 */
public record ClickRules(int maxIdLength, float maxWeight, long maxFutureMs)
    implements Serializable {
  public static final ClickRules DEFAULTS = new ClickRules(256, 1000f, 24L * 3600 * 1000);

  public ClickRules {
    if (maxIdLength < 1) {
      throw new IllegalArgumentException("maxIdLength must be at least 1, was " + maxIdLength);
    }
    if (!(maxWeight > 0) || Float.isInfinite(maxWeight)) {
      throw new IllegalArgumentException(
          "maxWeight must be a finite positive number, was " + maxWeight);
    }
    if (maxFutureMs < 0) {
      throw new IllegalArgumentException("maxFutureMs must be non-negative, was " + maxFutureMs);
    }
  }

  /**
   * Why a decoded click cannot be trained on at processing time {@code nowMillis}, or null when it
   * can.
   */
  public String problemWith(ClickEvent click, long nowMillis) {
    if (click == null) {
      return "no click event in the record";
    }
    String id = idProblem("userId", click.getUserId());
    if (id == null) {
      id = idProblem("itemId", click.getItemId());
    }
    if (id != null) {
      return id;
    }
    float weight = click.getWeight();
    if (!(weight > 0) || Float.isInfinite(weight)) {
      return "weight must be a finite positive number, was " + weight;
    }
    if (weight > maxWeight) {
      return "weight "
          + weight
          + " is above the largest accepted, "
          + maxWeight
          + " (validation.max-weight)";
    }
    if (click.getEventTime() == null) {
      return "missing eventTime";
    }
    long t = click.getEventTime().toEpochMilli();
    if (t < 0) {
      return "eventTime " + click.getEventTime() + " is before 1970";
    }
    if (t > nowMillis + maxFutureMs) {
      return "eventTime "
          + click.getEventTime()
          + " is more than "
          + maxFutureMs
          + " ms ahead of the job's clock (validation.max-future-ms)";
    }
    return null;
  }

  /**
   * Why {@code itemId} cannot name an item (missing, too long, a control character), or null when
   * it can: catalogue records follow the rules clicks do, so that no item gets a row a click could
   * not reach.
   */
  public String itemIdProblem(String itemId) {
    return idProblem("itemId", itemId);
  }

  private String idProblem(String field, String id) {
    if (id == null || id.isEmpty()) {
      return "missing " + field;
    }
    if (id.length() > maxIdLength) {
      return field
          + " has "
          + id.length()
          + " characters, more than "
          + maxIdLength
          + " (validation.max-id-length)";
    }
    for (int i = 0; i < id.length(); i++) {
      if (Character.isISOControl(id.charAt(i))) {
        return field + " contains a control character at " + i;
      }
    }
    return null;
  }
}

package io.towerstream.jobs.functions;

import io.towerstream.schemas.avro.ClickEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Clicks are sharded across trainer subtasks by user id: a user's events, row and history live on
 * one subtask.
 */
public final class UserIdKey implements KeySelector<ClickEvent, String> {
  private static final long serialVersionUID = 1L;

  @Override
  public String getKey(ClickEvent click) {
    return click.getUserId();
  }
}

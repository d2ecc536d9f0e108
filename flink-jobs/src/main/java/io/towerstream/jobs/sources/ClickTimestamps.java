package io.towerstream.jobs.sources;

import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;

/**
 * Event time of a parsed click: the ClickEvent's own {@code eventTime}; for a record that could not
 * be decoded, the Kafka record timestamp (it only travels to the dead-letter topic).
 */
public final class ClickTimestamps implements SerializableTimestampAssigner<ParsedClick> {
  private static final long serialVersionUID = 1L;

  @Override
  public long extractTimestamp(ParsedClick parsed, long recordTimestamp) {
    if (parsed.click != null && parsed.click.getEventTime() != null) {
      return parsed.click.getEventTime().toEpochMilli();
    }
    return recordTimestamp;
  }
}

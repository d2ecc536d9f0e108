package io.towerstream.jobs.functions;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.sources.ParsedClick;
import io.towerstream.schemas.avro.ClickEvent;
import io.towerstream.schemas.avro.DeadLetter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets usable clicks through and sends everything else, whole and with the reason, to the {@link
 * #DEAD_LETTERS} side output: values that could not be decoded, and clicks that break the {@link
 * ClickRules} (ids, weight, event time). The job keeps running whatever arrives.
 */
public final class ValidateClicks extends ProcessFunction<ParsedClick, ClickEvent>
    implements ResultTypeQueryable<ClickEvent> {
  private static final long serialVersionUID = 1L;

  /** Rejected records, for the dead-letter topic. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", AvroTypeInfo.forClass(DeadLetter.class));

  private final ClickRules rules;
  private transient Counter valid;
  private transient Counter rejected;

  public ValidateClicks() {
    this(ClickRules.DEFAULTS);
  }

  public ValidateClicks(ClickRules rules) {
    this.rules = java.util.Objects.requireNonNull(rules, "rules");
  }

  @Override
  public void open(OpenContext context) {
    valid = getRuntimeContext().getMetricGroup().counter("validClicks");
    rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(ParsedClick parsed, Context ctx, Collector<ClickEvent> out) {
    String problem =
        parsed.decodeError != null
            ? parsed.decodeError
            : rules.problemWith(parsed.click, ctx.timerService().currentProcessingTime());
    if (problem == null) {
      valid.inc();
      out.collect(parsed.click);
    } else {
      rejected.inc();
      ctx.output(
          DEAD_LETTERS, parsed.toDeadLetter(problem, ctx.timerService().currentProcessingTime()));
    }
  }

  @Override
  public TypeInformation<ClickEvent> getProducedType() {
    return AvroTypeInfo.forClass(ClickEvent.class);
  }
}

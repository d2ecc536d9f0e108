package io.towerstream.jobs.functions;

import io.towerstream.jobs.records.AvroTypeInfo;
import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.jobs.sources.ParsedItemFeatures;
import io.towerstream.schemas.avro.DeadLetter;
import java.util.Objects;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Lets usable item-feature records through to the trainers, as features or as a removal, and sends
 * everything else, whole and with the reason, to the {@link #DEAD_LETTERS} side output: records the
 * deserializer rejected, and item ids that break the {@link ClickRules} (missing, too long, control
 * characters).
 */
public final class ValidateItemFeatures
    extends ProcessFunction<ParsedItemFeatures, TrainerSideInput>
    implements ResultTypeQueryable<TrainerSideInput> {
  private static final long serialVersionUID = 1L;

  /** Rejected records, for the dead-letter topic. */
  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("item-feature-dead-letters", AvroTypeInfo.forClass(DeadLetter.class));

  private final ClickRules rules;
  private transient Counter valid;
  private transient Counter rejected;

  public ValidateItemFeatures(ClickRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  @Override
  public void open(OpenContext context) {
    valid = getRuntimeContext().getMetricGroup().counter("validItemFeatures");
    rejected = getRuntimeContext().getMetricGroup().counter("deadLetters");
  }

  @Override
  public void processElement(
      ParsedItemFeatures parsed, Context ctx, Collector<TrainerSideInput> out) {
    String problem = parsed.problem != null ? parsed.problem : rules.itemIdProblem(parsed.itemId());
    if (problem != null) {
      rejected.inc();
      ctx.output(
          DEAD_LETTERS, parsed.toDeadLetter(problem, ctx.timerService().currentProcessingTime()));
      return;
    }
    valid.inc();
    out.collect(
        parsed.features != null
            ? TrainerSideInput.features(parsed.features)
            : TrainerSideInput.removal(parsed.removedItemId));
  }

  @Override
  public TypeInformation<TrainerSideInput> getProducedType() {
    return TrainerSideInput.TYPE;
  }
}

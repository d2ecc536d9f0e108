package io.towerstream.jobs.functions;

import io.towerstream.jobs.records.TrainerSideInput;
import io.towerstream.schemas.avro.ModelDelta;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

/** Wraps a replica's delta for the trainer's side input, which it shares with item features. */
public final class DeltaAsSideInput
    implements MapFunction<ModelDelta, TrainerSideInput>, ResultTypeQueryable<TrainerSideInput> {
  private static final long serialVersionUID = 1L;

  @Override
  public TrainerSideInput map(ModelDelta delta) {
    return TrainerSideInput.delta(delta);
  }

  @Override
  public TypeInformation<TrainerSideInput> getProducedType() {
    return TrainerSideInput.TYPE;
  }
}

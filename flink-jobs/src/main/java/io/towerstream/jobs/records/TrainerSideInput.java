package io.towerstream.jobs.records;

import io.towerstream.schemas.avro.ItemFeatures;
import io.towerstream.schemas.avro.ModelDelta;
import java.lang.reflect.Type;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * What the trainer's second (broadcast) input carries: exactly one of a replica's {@link
 * ModelDelta}, an item's new {@link ItemFeatures}, or the id of an item whose features were
 * withdrawn (a tombstone on the item-features topic). One union type, because a two-input operator
 * has one type per input and both kinds must reach every trainer subtask.
 *
 * <p>A Flink POJO like {@code ParsedClick}: public fields, a public no-argument constructor, {@link
 * #TYPE} as its type information.
 */
@TypeInfo(TrainerSideInput.TypeFactory.class)
public class TrainerSideInput {
  /** Another replica's changes; null unless this is a delta. */
  public ModelDelta delta;

  /** An item's side features, replacing any it had; null unless this is a feature record. */
  public ItemFeatures features;

  /** The item whose features were withdrawn; null unless this is a removal. */
  public String removedItemId;

  public static final TypeInformation<TrainerSideInput> TYPE =
      Types.POJO(
          TrainerSideInput.class,
          Map.of(
              "delta", AvroTypeInfo.forClass(ModelDelta.class),
              "features", AvroTypeInfo.forClass(ItemFeatures.class),
              "removedItemId", Types.STRING));

  public TrainerSideInput() {}

  public static TrainerSideInput delta(ModelDelta delta) {
    TrainerSideInput in = new TrainerSideInput();
    in.delta = Objects.requireNonNull(delta, "delta");
    return in;
  }

  public static TrainerSideInput features(ItemFeatures features) {
    TrainerSideInput in = new TrainerSideInput();
    in.features = Objects.requireNonNull(features, "features");
    return in;
  }

  public static TrainerSideInput removal(String itemId) {
    TrainerSideInput in = new TrainerSideInput();
    in.removedItemId = Objects.requireNonNull(itemId, "itemId");
    return in;
  }

  @Override
  public String toString() {
    return delta != null
        ? "TrainerSideInput{delta " + delta.getOrigin() + '/' + delta.getSequence() + '}'
        : features != null
            ? "TrainerSideInput{features of " + features.getItemId() + '}'
            : "TrainerSideInput{removal of " + removedItemId + '}';
  }

  /** Lets Flink's type extraction find {@link #TYPE}. */
  public static final class TypeFactory extends TypeInfoFactory<TrainerSideInput> {
    @Override
    public TypeInformation<TrainerSideInput> createTypeInfo(
        Type type, Map<String, TypeInformation<?>> genericParameters) {
      return TYPE;
    }
  }
}

package io.towerstream.jobs.operators;

import io.towerstream.model.OnlineModel;
import io.towerstream.model.UserRow;
import io.towerstream.model.UserRowSink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;

/**
 * Each user's row of the model in Flink keyed state ({@value #NAME}), which Flink snapshots per key
 * group and moves with its keys when the job rescales: the model's changed rows are written through
 * before each checkpoint and after each publish, and read back on restore.
 */
final class UserRowState {
  static final String NAME = "user-rows";

  /** A fresh descriptor of the state: Flink sets a descriptor's serializer up in place. */
  static ValueStateDescriptor<byte[]> descriptor() {
    return new ValueStateDescriptor<>(NAME, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
  }

  private final ValueState<byte[]> rows;
  private final KeyedStateBackend<?> backend;

  /** The operator's own, so that state access goes through the operator as for a record. */
  private final Consumer<String> setCurrentKey;

  UserRowState(
      ValueState<byte[]> rows, KeyedStateBackend<?> backend, Consumer<String> setCurrentKey) {
    this.rows = rows;
    this.backend = backend;
    this.setCurrentKey = setCurrentKey;
  }

  /** Every user row in this subtask's key groups (after a rescale, the key groups it now owns). */
  List<UserRow> readAll() throws Exception {
    List<String> users;
    try (Stream<String> keys =
        backend.<VoidNamespace>getKeys(NAME, VoidNamespace.INSTANCE).map(String.class::cast)) {
      users = keys.collect(Collectors.toList());
    }
    List<UserRow> out = new ArrayList<>(users.size());
    for (String user : users) {
      setCurrentKey.accept(user);
      byte[] row = rows.value();
      if (row != null) {
        out.add(new UserRow(user, row));
      }
    }
    return out;
  }

  /**
   * Writes the user rows {@code model} changed since the last call through to keyed state, and
   * removes evicted users.
   */
  void writeChanged(OnlineModel model) {
    model.drainUserRows(
        new UserRowSink() {
          @Override
          public void changed(String userId, byte[] row) {
            setCurrentKey.accept(userId);
            try {
              rows.update(row);
            } catch (Exception e) {
              throw new IllegalStateException(
                  "cannot write the row of user " + userId + " to keyed state", e);
            }
          }

          @Override
          public void removed(String userId) {
            setCurrentKey.accept(userId);
            rows.clear();
          }
        });
  }
}

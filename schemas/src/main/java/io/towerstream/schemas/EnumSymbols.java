package io.towerstream.schemas;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Compares the enums of a writer schema with the reader's of the same full name, and finds the
 * first symbol of a record that the reader's enum lacks. Avro itself silently reads such a symbol
 * as the enum's default.
 */
final class EnumSymbols {
  private EnumSymbols() {}

  /**
   * Whether some enum of {@code writer} has a symbol that {@code reader}'s enum of the same name
   * does not.
   */
  static boolean writerHasSymbolsReaderLacks(Schema writer, Schema reader) {
    Map<String, Schema> readerEnums = enums(reader, new HashMap<>());
    for (Schema w : enums(writer, new HashMap<>()).values()) {
      Schema r = readerEnums.get(w.getFullName());
      if (r != null && !r.getEnumSymbols().containsAll(w.getEnumSymbols())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The first enum value of {@code datum} (a generic record of {@code writer}) unknown to {@code
   * reader}, as a reason ("unknown EventType 'SHARE' …"), or null when every symbol is known.
   */
  static String firstUnknown(Object datum, Schema writer, Schema reader) {
    return firstUnknown(datum, writer, enums(reader, new HashMap<>()));
  }

  private static String firstUnknown(Object datum, Schema schema, Map<String, Schema> readerEnums) {
    switch (schema.getType()) {
      case RECORD -> {
        IndexedRecord record = (IndexedRecord) datum;
        for (Schema.Field f : schema.getFields()) {
          String found = firstUnknown(record.get(f.pos()), f.schema(), readerEnums);
          if (found != null) {
            return found;
          }
        }
      }
      case ENUM -> {
        Schema r = readerEnums.get(schema.getFullName());
        String symbol = ((GenericEnumSymbol<?>) datum).toString();
        if (r != null && !r.hasEnumSymbol(symbol)) {
          return "unknown "
              + schema.getName()
              + " '"
              + symbol
              + "' (this reader knows "
              + r.getEnumSymbols()
              + ")";
        }
      }
      case UNION -> {
        for (Schema branch : schema.getTypes()) {
          if (matches(datum, branch)) {
            return firstUnknown(datum, branch, readerEnums);
          }
        }
      }
      case ARRAY -> {
        for (Object element : (List<?>) datum) {
          String found = firstUnknown(element, schema.getElementType(), readerEnums);
          if (found != null) {
            return found;
          }
        }
      }
      case MAP -> {
        for (Object value : ((Map<?, ?>) datum).values()) {
          String found = firstUnknown(value, schema.getValueType(), readerEnums);
          if (found != null) {
            return found;
          }
        }
      }
      default -> {}
    }
    return null;
  }

  /** Only the branches that can hold an enum need telling apart; the rest never contain one. */
  private static boolean matches(Object datum, Schema branch) {
    return switch (branch.getType()) {
      case RECORD ->
          datum instanceof IndexedRecord r
              && r.getSchema().getFullName().equals(branch.getFullName());
      case ENUM ->
          datum instanceof GenericEnumSymbol<?> e
              && e.getSchema().getFullName().equals(branch.getFullName());
      case ARRAY -> datum instanceof List<?>;
      case MAP -> datum instanceof Map<?, ?>;
      default -> false;
    };
  }

  /** Every enum reachable from {@code schema}, by full name. */
  private static Map<String, Schema> enums(Schema schema, Map<String, Schema> out) {
    collect(schema, out, new java.util.HashSet<>());
    return out;
  }

  private static void collect(
      Schema schema, Map<String, Schema> out, java.util.Set<String> visitedRecords) {
    switch (schema.getType()) {
      case ENUM -> out.putIfAbsent(schema.getFullName(), schema);
      case RECORD -> {
        if (visitedRecords.add(schema.getFullName())) { // recursive types visit once
          schema.getFields().forEach(f -> collect(f.schema(), out, visitedRecords));
        }
      }
      case UNION -> schema.getTypes().forEach(t -> collect(t, out, visitedRecords));
      case ARRAY -> collect(schema.getElementType(), out, visitedRecords);
      case MAP -> collect(schema.getValueType(), out, visitedRecords);
      default -> {}
    }
  }
}

package dev.nightjar.transforms;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Checks a Dataset's schema before any work starts, the way ALS's {@code transformSchema} does: a
 * missing or mistyped column fails at once, naming the column, the type found and the fix.
 *
 * <pre>{@code
 * SchemaCheck.require(events, "interactions input",
 *     SchemaCheck.columns(Columns.USER_ID, DataTypes.StringType, Columns.EVENT_TIME, DataTypes.TimestampType));
 * }</pre>
 */
public final class SchemaCheck {
  private SchemaCheck() {}

  /** Ordered column → type pairs, written inline: {@code columns("a", StringType, "b", LongType)}. */
  public static Map<String, DataType> columns(Object... nameTypePairs) {
    if (nameTypePairs.length % 2 != 0) {
      throw new IllegalArgumentException("columns(...) takes name/type pairs");
    }
    Map<String, DataType> out = new LinkedHashMap<>();
    for (int i = 0; i < nameTypePairs.length; i += 2) {
      out.put((String) nameTypePairs[i], (DataType) nameTypePairs[i + 1]);
    }
    return out;
  }

  /**
   * Fails with {@link SchemaMismatchException} unless {@code df} has every column with its type.
   * Extra columns are allowed.
   *
   * @param what a short name for the input, used in the message (e.g. "raw_events")
   */
  public static void require(Dataset<Row> df, String what, Map<String, DataType> expected) {
    Map<String, StructField> found =
        Arrays.stream(df.schema().fields())
            .collect(Collectors.toMap(StructField::name, f -> f, (a, b) -> a, LinkedHashMap::new));
    for (Map.Entry<String, DataType> column : expected.entrySet()) {
      StructField field = found.get(column.getKey());
      if (field == null) {
        throw new SchemaMismatchException(
            String.format(
                "%s is missing required column '%s' (expected type %s). Columns found: %s. "
                    + "Fix: add the column (or rename the matching one) in the input.",
                what, column.getKey(), column.getValue().simpleString(), found.keySet()));
      }
      if (!field.dataType().equals(column.getValue())) {
        throw new SchemaMismatchException(
            String.format(
                "%s column '%s' has type %s but %s is required. "
                    + "Fix: cast it to %s before this step (or re-import the data).",
                what,
                column.getKey(),
                field.dataType().simpleString(),
                column.getValue().simpleString(),
                column.getValue().simpleString()));
      }
    }
  }

  /** Thrown when an input's schema does not match what a step needs. */
  public static final class SchemaMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SchemaMismatchException(String message) {
      super(message);
    }
  }
}

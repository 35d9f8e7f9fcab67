package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Stable ids for imported rows, so that importing the same file twice adds nothing while two
 * identical lines of one file stay two rows (the second is later quarantined as a duplicate, not
 * lost).
 *
 * <p>{@code raw_id = sha256(source, values…) + "-" + occurrence}, where occurrence numbers the
 * identical lines of one source.
 *
 * <pre>{@code
 * Dataset<Row> withIds = RawRows.assignIds(mapped, Ingest.RAW_EVENT_VALUE_COLUMNS);
 * }</pre>
 */
public final class RawRows {
  private RawRows() {}

  /** Adds {@code raw_id} computed from {@code source} and the given value columns. */
  public static Dataset<Row> assignIds(Dataset<Row> in, String... valueColumns) {
    Column[] parts =
        concat(
            new Column[] {coalesce(col(Columns.SOURCE), lit(""))},
            Arrays.stream(valueColumns).map(c -> coalesce(col(c), lit("\u0002"))).toArray(Column[]::new));
    Column contentHash = sha2(concat_ws("\u0001", parts), 256);
    return in.withColumn("content_hash", contentHash)
        .withColumn(
            Columns.RAW_ID,
            concat_ws(
                "-",
                col("content_hash"),
                row_number()
                    .over(Window.partitionBy("content_hash").orderBy("content_hash"))
                    .cast(DataTypes.StringType)))
        .drop("content_hash");
  }

  private static Column[] concat(Column[] a, Column[] b) {
    Column[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}

package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * A stable string id ↔ int index (ALS needs int ids): ids already indexed keep their int, new ids
 * get the next ints in id order, so extending the index twice with the same ids changes nothing.
 * The one place the id ↔ index joins are written: {@link #attach} (id → index), {@link #resolve}
 * (index → id, unknown indexes dropped) and {@link #resolveOrNull} (index → id, null when unknown).
 *
 * <pre>{@code
 * Dataset<Row> users = IdIndex.extend(existingUserIndex, interactions.select("user_id").withColumnRenamed("user_id", "id"));
 * Dataset<Row> withIdx = IdIndex.attach(interactions, users, "user_id", "user_idx");
 * Dataset<Row> backToIds = IdIndex.resolve(withIdx.drop("user_id"), users, "user_idx", "user_id");
 * }</pre>
 */
public final class IdIndex {
  private IdIndex() {}

  /** An empty index ({@code id STRING, idx INT}). */
  public static Dataset<Row> empty(org.apache.spark.sql.SparkSession spark) {
    return spark.createDataFrame(
        java.util.List.of(),
        new org.apache.spark.sql.types.StructType()
            .add(Columns.ID, DataTypes.StringType, false)
            .add(Columns.IDX, DataTypes.IntegerType, false));
  }

  /** The index extended with every id in {@code ids} (column {@code id}) that it lacks. */
  public static Dataset<Row> extend(Dataset<Row> existing, Dataset<Row> ids) {
    SchemaCheck.require(existing, "id index", SchemaCheck.columns(Columns.ID, DataTypes.StringType, Columns.IDX, DataTypes.IntegerType));
    SchemaCheck.require(ids, "ids to index", SchemaCheck.columns(Columns.ID, DataTypes.StringType));
    Row maxRow = existing.agg(max(Columns.IDX)).head();
    int next = maxRow.isNullAt(0) ? 0 : maxRow.getInt(0) + 1;
    Dataset<Row> fresh =
        ids.where(col(Columns.ID).isNotNull())
            .select(Columns.ID)
            .distinct()
            .join(existing.select(Columns.ID), Columns.ID, "left_anti")
            .withColumn(
                Columns.IDX,
                row_number().over(Window.orderBy(Columns.ID)).plus(next - 1).cast(DataTypes.IntegerType));
    return existing.select(Columns.ID, Columns.IDX).unionByName(fresh);
  }

  /** The index ({@code id, idx}) with its columns renamed to {@code idCol, idxCol}, ready to join on either. */
  public static Dataset<Row> named(Dataset<Row> index, String idCol, String idxCol) {
    return index.select(col(Columns.ID).as(idCol), col(Columns.IDX).as(idxCol));
  }

  /** Adds {@code idxCol} to {@code in} by looking up {@code idCol} in the index (inner join: unknown ids are dropped). */
  public static Dataset<Row> attach(Dataset<Row> in, Dataset<Row> index, String idCol, String idxCol) {
    return in.join(named(index, idCol, idxCol), idCol);
  }

  /** Adds {@code idCol} to {@code in} by looking up {@code idxCol} in the index (inner join: unknown indexes are dropped). */
  public static Dataset<Row> resolve(Dataset<Row> in, Dataset<Row> index, String idxCol, String idCol) {
    return in.join(named(index, idCol, idxCol), idxCol);
  }

  /** {@link #resolve}, keeping every row of {@code in}: {@code idCol} is null where {@code idxCol} is null or unknown. */
  public static Dataset<Row> resolveOrNull(Dataset<Row> in, Dataset<Row> index, String idxCol, String idCol) {
    return in.join(named(index, idCol, idxCol), new String[] {idxCol}, "left");
  }
}

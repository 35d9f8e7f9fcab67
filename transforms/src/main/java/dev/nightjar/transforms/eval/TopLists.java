package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Helpers shared by the metric classes: list positions, the table of cut-offs, result rows. */
final class TopLists {
  private TopLists() {}

  /** 1-based position of an item in its user's list (internal column). */
  static final String POS = "__eval_pos";
  /** The smallest cut-off k with {@code pos <= k} (internal column). */
  static final String BUCKET = "__eval_bucket";

  private static final StructType KS_SCHEMA =
      new StructType().add(EvalColumns.K, DataTypes.IntegerType, false);

  static void checkUserItem(Dataset<Row> df, String what) {
    SchemaCheck.require(
        df,
        what,
        SchemaCheck.columns(Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType));
  }

  /**
   * The first {@code maxK} positions of every user's list: {@code user_id, item_id, __eval_pos}.
   * Lists are read in {@code rank} order (ties by {@code item_id}); an item listed twice for a user
   * counts once, at its best rank; positions are renumbered 1, 2, … so gaps in {@code rank} do not
   * shorten a list. Rows with a null id or rank are ignored.
   */
  static Dataset<Row> positions(Dataset<Row> recommendations, int maxK) {
    SchemaCheck.require(
        recommendations,
        "recommendations",
        SchemaCheck.columns(
            Columns.USER_ID, DataTypes.StringType,
            Columns.ITEM_ID, DataTypes.StringType,
            Columns.RANK, DataTypes.IntegerType));
    return recommendations
        .where(
            col(Columns.USER_ID).isNotNull()
                .and(col(Columns.ITEM_ID).isNotNull())
                .and(col(Columns.RANK).isNotNull()))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(min(Columns.RANK).as(Columns.RANK))
        .withColumn(
            POS,
            row_number()
                .over(Window.partitionBy(Columns.USER_ID).orderBy(col(Columns.RANK), col(Columns.ITEM_ID))))
        .where(col(POS).leq(maxK))
        .select(Columns.USER_ID, Columns.ITEM_ID, POS);
  }

  /** One row per cut-off: {@code k INT}. */
  static Dataset<Row> ksTable(SparkSession spark, int[] ks) {
    List<Row> rows = Arrays.stream(ks).mapToObj(k -> RowFactory.create(k)).toList();
    return spark.createDataFrame(rows, KS_SCHEMA);
  }

  /** {@code CASE WHEN pos <= k1 THEN k1 WHEN pos <= k2 THEN k2 … END} for sorted cut-offs. */
  static Column bucket(int[] sortedKs) {
    Column bucket = when(col(POS).leq(sortedKs[0]), lit(sortedKs[0]));
    for (int i = 1; i < sortedKs.length; i++) {
      bucket = bucket.when(col(POS).leq(sortedKs[i]), lit(sortedKs[i]));
    }
    return bucket;
  }

  /**
   * Ideal DCG for {@code m} relevant items, {@code m = 1..maxK}: {@code Σ_{i=1..m} 1/log2(i+1)}, as
   * rows {@code (m INT, idcg DOUBLE)}; a small table built on the driver.
   */
  static Dataset<Row> idealDcg(SparkSession spark, int maxK, String mCol, String idcgCol) {
    List<Row> rows = new ArrayList<>(maxK);
    double idcg = 0;
    for (int m = 1; m <= maxK; m++) {
      idcg += 1.0 / (Math.log(m + 1.0) / Math.log(2.0));
      rows.add(RowFactory.create(m, idcg));
    }
    StructType schema =
        new StructType()
            .add(mCol, DataTypes.IntegerType, false)
            .add(idcgCol, DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema);
  }

  /**
   * Result rows {@code metric, k, value} for one metric, one per cut-off, from per-k values ({@code
   * k, value}); a cut-off without a value gets a null value.
   */
  static Dataset<Row> metricRows(Dataset<Row> perK, int[] ks, String metric) {
    return ksTable(perK.sparkSession(), ks)
        .join(perK, new String[] {EvalColumns.K}, "left")
        .select(
            lit(metric).as(EvalColumns.METRIC),
            col(EvalColumns.K),
            col(EvalColumns.VALUE).cast(DataTypes.DoubleType).as(EvalColumns.VALUE))
        .orderBy(EvalColumns.K);
  }
}

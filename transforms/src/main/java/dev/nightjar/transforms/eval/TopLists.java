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

  /**
   * The grouping columns of {@code recommendations}: {@code [variant]} when they carry the lists of several variants
   * ({@link EvalColumns#VARIANT}), else none.
   */
  static List<String> groups(Dataset<Row> recommendations) {
    if (!Arrays.asList(recommendations.columns()).contains(EvalColumns.VARIANT)) {
      return List.of();
    }
    SchemaCheck.require(recommendations, "recommendations", SchemaCheck.columns(EvalColumns.VARIANT, DataTypes.StringType));
    return List.of(EvalColumns.VARIANT);
  }

  /** {@code first} followed by {@code more}. */
  static List<String> plus(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(Arrays.asList(more));
    return all;
  }

  static Column[] cols(List<String> names) {
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** {@code left} joined to {@code right} on the group columns; a cross join when there are none. */
  static Dataset<Row> joinOnGroups(Dataset<Row> left, Dataset<Row> right, List<String> groups) {
    return groups.isEmpty() ? left.crossJoin(right) : left.join(right, groups.toArray(String[]::new));
  }

  /** One row per group of {@code recommendations} and cut-off: {@code [variant,] k}. */
  static Dataset<Row> grid(Dataset<Row> recommendations, int[] ks) {
    List<String> groups = groups(recommendations);
    Dataset<Row> kTable = ksTable(recommendations.sparkSession(), ks);
    return groups.isEmpty() ? kTable : recommendations.select(cols(groups)).distinct().crossJoin(kTable);
  }

  static void checkUserItem(Dataset<Row> df, String what) {
    SchemaCheck.require(
        df,
        what,
        SchemaCheck.columns(Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType));
  }

  /**
   * The first {@code maxK} positions of every user's list: {@code [variant,] user_id, item_id, __eval_pos}.
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
    List<String> list = plus(groups(recommendations), Columns.USER_ID);
    return recommendations
        .where(
            col(Columns.USER_ID).isNotNull()
                .and(col(Columns.ITEM_ID).isNotNull())
                .and(col(Columns.RANK).isNotNull()))
        .groupBy(cols(plus(list, Columns.ITEM_ID)))
        .agg(min(Columns.RANK).as(Columns.RANK))
        .withColumn(
            POS,
            row_number()
                .over(Window.partitionBy(cols(list)).orderBy(col(Columns.RANK), col(Columns.ITEM_ID))))
        .where(col(POS).leq(maxK))
        .select(cols(plus(list, Columns.ITEM_ID, POS)));
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
   * Result rows {@code [variant,] metric, k, value} for one metric, one per group of {@code grid} ({@link #grid}) and
   * cut-off, from per-k values ({@code [variant,] k, value}); a cut-off without a value gets a null value.
   */
  static Dataset<Row> metricRows(Dataset<Row> perK, Dataset<Row> grid, String metric) {
    List<String> groups = plus(Arrays.stream(grid.columns()).filter(c -> !c.equals(EvalColumns.K)).toList());
    List<Column> out = new ArrayList<>(Arrays.asList(cols(groups)));
    out.add(lit(metric).as(EvalColumns.METRIC));
    out.add(col(EvalColumns.K));
    out.add(col(EvalColumns.VALUE).cast(DataTypes.DoubleType).as(EvalColumns.VALUE));
    return grid
        .join(perK, plus(groups, EvalColumns.K).toArray(String[]::new), "left")
        .select(out.toArray(Column[]::new))
        .orderBy(cols(plus(groups, EvalColumns.K)));
  }
}

package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Weighted blend of candidate sources. Each source's scores are min-max normalised per user to
 * [0, 1] (a source with one candidate, or all equal, gives 1), multiplied by the source's weight and
 * summed per (user, item). Each output row keeps the source contributing most ({@code source}), the
 * item that source names as its reason ({@code anchor_item_id}, when the candidates have that column),
 * and every source's normalised score ({@code components}).
 *
 * <pre>{@code
 * Dataset<Row> blended = Blend.combine(candidates, Map.of("als", 1.0, "content", 0.5, "trending", 0.2));
 * }</pre>
 */
public final class Blend {
  public static final String SOURCE = "source";
  public static final String COMPONENTS = "components";
  public static final String ANCHOR_ITEM_ID = "anchor_item_id";

  private Blend() {}

  /**
   * @param candidates {@code user_id, item_id, source, score}; a source missing from {@code weights} gets weight 0
   * @return {@code user_id, item_id, score, source, anchor_item_id, components MAP<STRING, DOUBLE>}
   */
  public static Dataset<Row> combine(Dataset<Row> candidates, Map<String, Double> weights) {
    SchemaCheck.require(candidates, "candidates", SchemaCheck.columns(
        Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType, SOURCE, DataTypes.StringType,
        Columns.SCORE, DataTypes.DoubleType));
    WindowSpec perUserSource = Window.partitionBy(Columns.USER_ID, SOURCE);
    Column lo = min(Columns.SCORE).over(perUserSource);
    Column hi = max(Columns.SCORE).over(perUserSource);
    Column normalised = when(hi.gt(lo), col(Columns.SCORE).minus(lo).divide(hi.minus(lo))).otherwise(lit(1.0));
    Column weight = lit(0.0);
    for (Map.Entry<String, Double> w : weights.entrySet()) {
      weight = when(col(SOURCE).equalTo(w.getKey()), lit(w.getValue())).otherwise(weight);
    }
    if (!java.util.Arrays.asList(candidates.columns()).contains(ANCHOR_ITEM_ID)) {
      candidates = candidates.withColumn(ANCHOR_ITEM_ID, lit(null).cast(DataTypes.StringType));
    }
    return candidates
        .withColumn("normalised", normalised)
        .withColumn("weighted", col("normalised").multiply(weight))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(
            sum("weighted").as(Columns.SCORE),
            max_by(col(SOURCE), struct(col("weighted"), col(SOURCE))).as(SOURCE),
            max_by(col(ANCHOR_ITEM_ID), struct(col("weighted"), col(SOURCE))).as(ANCHOR_ITEM_ID),
            map_from_entries(sort_array(collect_list(struct(col(SOURCE), col("normalised"))))).as(COMPONENTS));
  }
}

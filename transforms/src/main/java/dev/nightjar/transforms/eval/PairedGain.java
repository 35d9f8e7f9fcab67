package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Mean and standard error of the per-user difference {@code a − b} of one metric over the users of either
 * side (a user missing from one side counts 0 there), computed in Spark: one row reaches the driver, whatever
 * the number of users. Fewer than two users give an infinite standard error (no evidence either way).
 *
 * <pre>{@code
 * PairedGain g = PairedGain.of(bestTrialPerUser, configuredPerUser); // user_id, value rows
 * boolean significant = g.mean() > 2 * g.standardError();
 * }</pre>
 */
public record PairedGain(double mean, double standardError, long users) {
  /** @param a, b {@code user_id, value} rows, one per user */
  public static PairedGain of(Dataset<Row> a, Dataset<Row> b) {
    Column difference = coalesce(col("a." + EvalColumns.VALUE), lit(0.0)).minus(coalesce(col("b." + EvalColumns.VALUE), lit(0.0)));
    Row r = a.as("a").join(b.as("b"), col("a." + Columns.USER_ID).equalTo(col("b." + Columns.USER_ID)), "full_outer")
        .agg(count(lit(1)), avg(difference), stddev_samp(difference)).head();
    long n = r.getLong(0);
    if (n < 2) {
      return new PairedGain(0, Double.POSITIVE_INFINITY, n);
    }
    return new PairedGain(r.getDouble(1), (r.isNullAt(2) ? 0.0 : r.getDouble(2)) / Math.sqrt(n), n);
  }
}

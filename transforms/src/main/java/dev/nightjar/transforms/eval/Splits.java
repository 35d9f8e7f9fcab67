package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.sql.Timestamp;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Train/test splits of interaction-like rows ({@code user_id STRING, item_id STRING, event_time
 * TIMESTAMP} at least; every other column is kept). Pure, deterministic transforms in built-in
 * functions: the same input and parameters give the same split however the input is partitioned.
 *
 * <ul>
 *   <li>{@link #temporal}: train = rows before the cutoff, test = rows at or after it.
 *   <li>{@link #stratified}: per user, a seeded pseudo-random share {@code ratio} of the rows goes to
 *       train (rule below).
 *   <li>{@link #lastN}: per user, the {@code n} latest rows go to test.
 * </ul>
 *
 * <p>Evaluate against {@link Split#truth()}, which drops test pairs the user already had in train.
 *
 * <pre>{@code
 * Split split = Splits.stratified(interactions, Splits.DEFAULT_RATIO, Splits.DEFAULT_SEED);
 * Dataset<Row> metrics = RankingMetrics.compute(recommendations, split.truth(), new int[] {10});
 * }</pre>
 */
public final class Splits {
  private Splits() {}

  public static final double DEFAULT_RATIO = 0.8;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_LAST_N = 1;

  /**
   * Allowance added before flooring {@code ratio × n}, so that a product that is a whole number in
   * decimal but falls just short of it in binary ({@code 0.29 × 100 = 28.999…}) floors to it.
   */
  static final double FLOOR_EPSILON = 1e-9;

  private static final String N = "__eval_n";
  private static final String ORDER = "__eval_order";

  private static void check(Dataset<Row> df) {
    SchemaCheck.require(
        df,
        "split input",
        SchemaCheck.columns(
            Columns.USER_ID, DataTypes.StringType,
            Columns.ITEM_ID, DataTypes.StringType,
            Columns.EVENT_TIME, DataTypes.TimestampType));
  }

  /**
   * Train = rows with {@code event_time < cutoff}; test = rows with {@code event_time >= cutoff}.
   * Rows with a null {@code event_time} fall in neither.
   */
  public static Split temporal(Dataset<Row> df, Timestamp cutoff) {
    check(df);
    Objects.requireNonNull(cutoff, "cutoff");
    return new Split(
        df.where(col(Columns.EVENT_TIME).lt(lit(cutoff))),
        df.where(col(Columns.EVENT_TIME).geq(lit(cutoff))));
  }

  /**
   * Per-user random split. Each user's rows are put in a pseudo-random order by {@code
   * xxhash64(seed, user_id, item_id, event_time)} (ties by {@code item_id}, then {@code event_time});
   * a user with {@code n} rows keeps the first {@code max(1, floor(ratio × n + 1e-9))} of them in
   * train and the rest in test. So a user with one row stays in train, and every user with two or
   * more rows has at least one row on each side. Train and test are disjoint and together are the
   * input. Rows equal in {@code (user_id, item_id, event_time)} are interchangeable: when they fall
   * on both sides, which copy goes where is not fixed.
   *
   * @param ratio share of each user's rows kept for training, strictly between 0 and 1
   * @param seed a different seed gives a different split
   */
  public static Split stratified(Dataset<Row> df, double ratio, long seed) {
    check(df);
    if (!(ratio > 0 && ratio < 1)) {
      throw new IllegalArgumentException("ratio must be strictly between 0 and 1, got " + ratio);
    }
    WindowSpec user = Window.partitionBy(Columns.USER_ID);
    Column order =
        row_number()
            .over(
                user.orderBy(
                    xxhash64(lit(seed), col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.EVENT_TIME)),
                    col(Columns.ITEM_ID),
                    col(Columns.EVENT_TIME)));
    Dataset<Row> ordered =
        df.withColumn(N, count(lit(1)).over(user)).withColumn(ORDER, order);
    Column inTrain =
        col(ORDER).leq(greatest(lit(1L), floor(col(N).multiply(ratio).plus(FLOOR_EPSILON))));
    return new Split(
        ordered.where(inTrain).drop(N, ORDER), ordered.where(not(inTrain)).drop(N, ORDER));
  }

  /**
   * Each user's {@code n} latest rows (by {@code event_time}, ties by the larger {@code item_id})
   * go to test, the rest to train. A user with {@code n} rows or fewer has all of them in test and
   * none in train (a new user to the model).
   */
  public static Split lastN(Dataset<Row> df, int n) {
    check(df);
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1, got " + n);
    }
    Dataset<Row> ordered =
        df.withColumn(
            ORDER,
            row_number()
                .over(
                    Window.partitionBy(Columns.USER_ID)
                        .orderBy(col(Columns.EVENT_TIME).desc(), col(Columns.ITEM_ID).desc())));
    Column inTest = col(ORDER).leq(n);
    return new Split(ordered.where(not(inTest)).drop(ORDER), ordered.where(inTest).drop(ORDER));
  }
}

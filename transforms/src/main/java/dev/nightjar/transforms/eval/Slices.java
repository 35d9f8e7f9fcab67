package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Slices of the test truth, so that metrics can be read for groups of users and items. Built from a
 * {@link Split}; {@code n(u)} is the number of train rows of user u (0 for a user with none), and the
 * truth is {@link Split#truth()} (test pairs not already in train):
 *
 * <ul>
 *   <li>{@code all}: every truth pair;
 *   <li>{@code cold_items}: truth pairs whose item has no train row at all (for any user);
 *   <li>{@code warm_users}: truth pairs of users with at least one train row ({@code n(u) > 0}), the
 *       users most published protocols evaluate;
 *   <li>{@code new_users}: truth pairs of users with {@code n(u) ≤ newUserMaxTrainInteractions};
 *   <li>{@code light_users}: truth pairs of users with {@code n(u) <} the median of {@code n} over the
 *       users with at least one train row (Spark's {@code median}: the mean of the two middle values
 *       for an even count);
 *   <li>{@code heavy_users}: truth pairs of users with {@code n(u) ≥} that median.
 * </ul>
 *
 * A user's slice depends only on the train side, so light and heavy users split {@code all}
 * exactly. A slice with no truth pair has no rows.
 *
 * <pre>{@code
 * Dataset<Row> sliced = Slices.truth(split, EvalParams.DEFAULT_NEW_USER_MAX_TRAIN_INTERACTIONS);
 * Dataset<Row> metrics = RankingMetrics.computeBySlice(recommendations, sliced, new int[] {10});
 * Dataset<Row> heavyUsers = Slices.users(sliced).where(col("slice").equalTo("heavy_users"));
 * Dataset<Row> heavyRecs = recommendations.join(heavyUsers, "user_id", "left_semi"); // beyond-accuracy per slice
 * }</pre>
 */
public final class Slices {
  private Slices() {}

  private static final String N = "__eval_n";
  private static final String MEDIAN = "__eval_median";
  private static final String SEEN_ITEM = "__eval_seen_item";

  /**
   * Truth pairs per slice: rows {@code slice, user_id, item_id}; a pair appears once in every slice
   * it belongs to.
   */
  public static Dataset<Row> truth(Split split, int newUserMaxTrainInteractions) {
    if (newUserMaxTrainInteractions < 0) {
      throw new IllegalArgumentException(
          "newUserMaxTrainInteractions must be >= 0, got " + newUserMaxTrainInteractions);
    }
    TopLists.checkUserItem(split.train(), "train");
    TopLists.checkUserItem(split.test(), "test");
    Dataset<Row> train = split.train();
    Dataset<Row> trainCounts =
        train.where(col(Columns.USER_ID).isNotNull()).groupBy(Columns.USER_ID).agg(count(lit(1)).as(N));
    Dataset<Row> medianCount = trainCounts.agg(median(col(N)).as(MEDIAN));
    Dataset<Row> trainItems =
        train.select(Columns.ITEM_ID).where(col(Columns.ITEM_ID).isNotNull()).distinct().withColumn(SEEN_ITEM, lit(true));
    return split
        .truth()
        .join(trainCounts, new String[] {Columns.USER_ID}, "left")
        .join(trainItems, new String[] {Columns.ITEM_ID}, "left")
        .crossJoin(medianCount)
        .withColumn(N, coalesce(col(N), lit(0L)))
        .withColumn(
            EvalColumns.SLICE,
            explode(
                array(
                    lit(EvalColumns.SLICE_ALL),
                    when(col(N).gt(0), lit(EvalColumns.SLICE_WARM_USERS)),
                    when(col(SEEN_ITEM).isNull(), lit(EvalColumns.SLICE_COLD_ITEMS)),
                    when(col(N).leq(newUserMaxTrainInteractions), lit(EvalColumns.SLICE_NEW_USERS)),
                    when(col(N).lt(col(MEDIAN)), lit(EvalColumns.SLICE_LIGHT_USERS)),
                    when(col(N).geq(col(MEDIAN)), lit(EvalColumns.SLICE_HEAVY_USERS)))))
        .where(col(EvalColumns.SLICE).isNotNull())
        .select(EvalColumns.SLICE, Columns.USER_ID, Columns.ITEM_ID);
  }

  /** The users of each slice: distinct {@code slice, user_id} of sliced truth from {@link #truth}. */
  public static Dataset<Row> users(Dataset<Row> slicedTruth) {
    return slicedTruth.select(EvalColumns.SLICE, Columns.USER_ID).distinct();
  }
}

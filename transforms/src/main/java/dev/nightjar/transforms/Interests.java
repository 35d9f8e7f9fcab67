package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Interest categories per user, as counts of exposures and positives with Beta posteriors — the
 * inputs of the exploration policy and the "interest labels" marketers ask for.
 *
 * <p>Without an impressions table, every event on an item of the category is an exposure, and a
 * positive is a cart, favourite or purchase, a rating of at least 4 (of 5) or at least the user's
 * own mean rating, or a review without a rating below that. A user whose events are all positive
 * (a purchase-only shop, where nothing records what was seen and not bought) is exposed to every
 * category at each of their events: exposures = the user's event count in every category, so the
 * rate is the category's share of what they chose, not a meaningless 1. The population prior of a category with conversion
 * rate m = positives ÷ exposures is Beta(1 + s·m, 1 + s·(1 − m)); a user's posterior adds their own
 * positives to α and their exposures without a positive to β. Built-in functions only.
 *
 * <pre>{@code
 * Dataset<Row> counts = Interests.counts(windowEvents, items);
 * Dataset<Row> priors = Interests.priors(counts, InterestParams.defaults());
 * Dataset<Row> interests = Interests.posteriors(counts, priors, users);
 * }</pre>
 */
public final class Interests {
  public static final String EXPOSURES = "exposures";
  public static final String POSITIVES = "positives";
  public static final String ALPHA = "alpha";
  public static final String BETA = "beta";
  public static final String USERS = "users";

  private Interests() {}

  /** {@code user_id, category, exposures, positives} from events joined to item categories (see the class comment). */
  public static Dataset<Row> counts(Dataset<Row> events, Dataset<Row> items) {
    SchemaCheck.require(events, "events", SchemaCheck.columns(
        Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType, Columns.EVENT_TYPE, DataTypes.StringType));
    SchemaCheck.require(items, "items", SchemaCheck.columns(Columns.ITEM_ID, DataTypes.StringType, Columns.CATEGORY, DataTypes.StringType));
    if (!java.util.Arrays.asList(events.columns()).contains(Columns.VALUE_NUM)) {
      events = events.withColumn(Columns.VALUE_NUM, lit(null).cast(DataTypes.DoubleType));
    }
    Column rated = col(Columns.EVENT_TYPE).isin(EventTypes.RATING, EventTypes.REVIEW).and(col(Columns.VALUE_NUM).isNotNull());
    Column userMeanRating = avg(when(rated, col(Columns.VALUE_NUM))).over(Window.partitionBy(Columns.USER_ID));
    Column positive = col(Columns.EVENT_TYPE).isin(EventTypes.CART, EventTypes.FAVORITE, EventTypes.PURCHASE)
        .or(col(Columns.EVENT_TYPE).equalTo(EventTypes.REVIEW).and(col(Columns.VALUE_NUM).isNull()))
        .or(rated.and(col(Columns.VALUE_NUM).geq(4.0).or(col(Columns.VALUE_NUM).geq(userMeanRating))));
    Dataset<Row> perCategory = events
        .where(col(Columns.ITEM_ID).isNotNull().and(col(Columns.EVENT_TYPE).notEqual(EventTypes.SEARCH)))
        .withColumn(POSITIVES, when(positive, 1L).otherwise(0L))
        .join(items.select(Columns.ITEM_ID, Columns.CATEGORY).where(col(Columns.CATEGORY).isNotNull()), Columns.ITEM_ID)
        .groupBy(Columns.USER_ID, Columns.CATEGORY)
        .agg(count(lit(1)).as(EXPOSURES), sum(POSITIVES).as(POSITIVES));
    WindowSpec perUser = Window.partitionBy(Columns.USER_ID);
    Column onlyPositives = sum(col(EXPOSURES).minus(col(POSITIVES))).over(perUser).equalTo(0);
    return perCategory
        .withColumn(EXPOSURES, when(onlyPositives, sum(col(EXPOSURES)).over(perUser)).otherwise(col(EXPOSURES)))
        .select(col(Columns.USER_ID), col(Columns.CATEGORY), col(EXPOSURES).cast(DataTypes.LongType).as(EXPOSURES),
            col(POSITIVES).cast(DataTypes.LongType).as(POSITIVES));
  }

  /** Population prior per category: {@code category, exposures, positives, users, alpha, beta}. */
  public static Dataset<Row> priors(Dataset<Row> counts, InterestParams p) {
    Column rate = least(lit(1.0), col(POSITIVES).divide(greatest(col(EXPOSURES), lit(1))));
    return counts
        .groupBy(Columns.CATEGORY)
        .agg(sum(EXPOSURES).as(EXPOSURES), sum(POSITIVES).as(POSITIVES), countDistinct(Columns.USER_ID).as(USERS))
        .withColumn(ALPHA, lit(1.0).plus(rate.multiply(p.priorStrength())))
        .withColumn(BETA, lit(1.0).plus(lit(1.0).minus(rate).multiply(p.priorStrength())));
  }

  /**
   * Every user × every category with a prior: counts (0 when none), posterior α, β, its mean as
   * {@code score}, and {@code rank} by score (then category).
   */
  public static Dataset<Row> posteriors(Dataset<Row> counts, Dataset<Row> priors, Dataset<Row> users) {
    Dataset<Row> grid = users.select(Columns.USER_ID).distinct().crossJoin(priors.select(
        col(Columns.CATEGORY), col(ALPHA).as("prior_alpha"), col(BETA).as("prior_beta")));
    Dataset<Row> joined = grid.join(counts, new String[] {Columns.USER_ID, Columns.CATEGORY}, "left")
        .na().fill(0L, new String[] {EXPOSURES, POSITIVES});
    Column alpha = col("prior_alpha").plus(col(POSITIVES));
    Column beta = col("prior_beta").plus(greatest(col(EXPOSURES).minus(col(POSITIVES)), lit(0)));
    return joined
        .withColumn(ALPHA, alpha)
        .withColumn(BETA, beta)
        .withColumn(Columns.SCORE, col(ALPHA).divide(col(ALPHA).plus(col(BETA))))
        .withColumn(Columns.RANK, row_number().over(
            Window.partitionBy(Columns.USER_ID).orderBy(col(Columns.SCORE).desc(), col(Columns.CATEGORY))))
        .select(Columns.USER_ID, Columns.CATEGORY, EXPOSURES, POSITIVES, ALPHA, BETA, Columns.SCORE, Columns.RANK);
  }
}

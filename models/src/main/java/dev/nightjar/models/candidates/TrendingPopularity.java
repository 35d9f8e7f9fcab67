package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.sum;

import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How trending popularity is released: exact ({@link #exact()}) or with a privacy mechanism the caller configures
 * (the jobs' {@code TrendingNoise}, which holds the secret seed and states ε in the run report).
 *
 * <pre>{@code
 * Dataset<Row> popularity = TrendingPopularity.exact().popularity(contributions, eligible); // eligible's columns + score
 * }</pre>
 */
@FunctionalInterface
public interface TrendingPopularity {
  /**
   * Popularity per eligible item: {@code eligible}'s columns plus {@code score} (double).
   *
   * @param contributions {@code user_id, item_id, weight}: one row per (user, item)
   * @param eligible the items that may trend, with {@code item_id}
   */
  Dataset<Row> popularity(Dataset<Row> contributions, Dataset<Row> eligible);

  /** The exact sum of the contributions per eligible item. */
  static TrendingPopularity exact() {
    return (contributions, eligible) ->
        contributions.groupBy(Columns.ITEM_ID).agg(sum(Columns.WEIGHT).as(Columns.SCORE)).join(eligible, Columns.ITEM_ID);
  }
}

package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.negate;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SAR-style item-item source ("people who bought X also bought Y"), cheaper than EASE for very
 * large catalogues: item-item similarity from co-occurrence counts, and user scores from the user's
 * time-decayed affinities, all in built-in Spark SQL (joins, aggregates, windows; no UDF), so the
 * RAPIDS Accelerator can run it.
 *
 * <p><b>Similarity.</b> With {@code c_ij} the number of users who interacted with both items and
 * {@code c_ii} the number who interacted with item {@code i}: Jaccard
 * {@code c_ij / (c_ii + c_jj − c_ij)}, lift {@code c_ij / (c_ii · c_jj)} or cosine
 * {@code c_ij / sqrt(c_ii · c_jj)}. Pairs with {@code c_ij < minCoCount} are dropped and each item
 * keeps its {@code neighboursPerItem} most similar items (ties: lower id).
 *
 * <p><b>Scores.</b> {@code score(u, j) = Σ_i affinity(u, i) · sim(i, j)} over the user's items
 * {@code i} that have {@code j} among their neighbours; affinity is the interaction {@code weight}
 * (already decayed with time by {@link Interactions}) or 1. Items the user has interacted with
 * are never recommended; each user keeps the {@code topN} best (score descending, then item id
 * ascending), each with the seen item contributing most ({@code because_item_id}; ties: lower id).
 *
 * <p><b>Bounds.</b> Only each user's {@code maxItemsPerUser} most recent items (then heaviest,
 * then lowest id) count, for the counts and the scores alike: the user self-join emits at most
 * {@code maxItemsPerUser²/2} pairs per user (a bot or a reseller with 10,000 items would otherwise
 * emit 50 million), and the scoring join at most {@code maxItemsPerUser × neighboursPerItem} rows
 * per user. The similarity table holds at most {@code items × neighboursPerItem} rows.
 *
 * <pre>{@code
 * // interactions: user_id STRING, item_id STRING, weight DOUBLE, last_event_time TIMESTAMP
 * CoOccurrenceParams p = CoOccurrenceParams.defaults();
 * Dataset<Row> similar = CoOccurrence.similarities(interactions, p);
 * // item_id, similar_item_id, similarity DOUBLE, co_count LONG, rank INT
 * Dataset<Row> recs = CoOccurrence.recommend(interactions, similar, p);
 * // user_id, item_id, score DOUBLE, rank INT, because_item_id STRING
 * }</pre>
 */
public final class CoOccurrence {
  /** The blend source name of co-occurrence candidates. */
  public static final String SOURCE = "cooccurrence";

  private static final String I = "i";
  private static final String J = "j";
  private static final String USERS_I = "users_i";
  private static final String USERS_J = "users_j";
  private static final String AFFINITY = "affinity";
  private static final String CONTRIBUTION = "contribution";
  private static final Logger LOG = LoggerFactory.getLogger(CoOccurrence.class);

  private CoOccurrence() {}

  /**
   * Each item's most similar items by co-occurrence.
   *
   * @param interactions {@code user_id STRING, item_id STRING, weight DOUBLE, last_event_time TIMESTAMP}
   *     (rows with a null id or a weight ≤ 0 are ignored; several rows of one pair count once)
   * @return {@code item_id STRING, similar_item_id STRING, similarity DOUBLE, co_count LONG, rank INT}:
   *     per item at most {@code neighboursPerItem} rows, ranks 1, 2, … by similarity descending then
   *     {@code similar_item_id} ascending; never an item with itself
   */
  public static Dataset<Row> similarities(Dataset<Row> interactions, CoOccurrenceParams p) {
    check(interactions);
    LOG.info("co-occurrence similarities: {}", p.versionTag());
    Dataset<Row> history = recentHistory(interactions, p);
    Dataset<Row> usersPerItem = history.groupBy(Columns.ITEM_ID).agg(count(lit(1)).as(USERS_I));
    Dataset<Row> upper = history.select(col(Columns.USER_ID), col(Columns.ITEM_ID).as(I))
        .join(history.select(col(Columns.USER_ID), col(Columns.ITEM_ID).as(J)), Columns.USER_ID)
        .where(col(I).lt(col(J)))
        .groupBy(I, J)
        .agg(count(lit(1)).as(Columns.CO_COUNT))
        .where(col(Columns.CO_COUNT).geq(p.minCoCount()));
    Dataset<Row> pairs = upper.unionByName(upper.select(col(J).as(I), col(I).as(J), col(Columns.CO_COUNT)))
        .join(usersPerItem.select(col(Columns.ITEM_ID).as(I), col(USERS_I)), I)
        .join(usersPerItem.select(col(Columns.ITEM_ID).as(J), col(USERS_I).as(USERS_J)), J);
    Dataset<Row> similar = pairs.select(
        col(I).as(Columns.ITEM_ID),
        col(J).as(Columns.SIMILAR_ITEM_ID),
        similarity(p.similarity(), col(Columns.CO_COUNT).cast(DataTypes.DoubleType),
            col(USERS_I).cast(DataTypes.DoubleType), col(USERS_J).cast(DataTypes.DoubleType)).as(Columns.SIMILARITY),
        col(Columns.CO_COUNT).cast(DataTypes.LongType).as(Columns.CO_COUNT));
    return Ranking.topKPerGroup(similar, Columns.ITEM_ID, Columns.SIMILARITY, Columns.SIMILAR_ITEM_ID, p.neighboursPerItem())
        .select(Columns.ITEM_ID, Columns.SIMILAR_ITEM_ID, Columns.SIMILARITY, Columns.CO_COUNT, Columns.RANK);
  }

  /** {@link #recommend(Dataset, Dataset, CoOccurrenceParams)} with the similarities computed here. */
  public static Dataset<Row> recommend(Dataset<Row> interactions, CoOccurrenceParams p) {
    return recommend(interactions, similarities(interactions, p), p);
  }

  /**
   * Every user's top {@code topN} unseen items by {@code Σ_i affinity(u, i) · sim(i, j)}.
   *
   * @param interactions as for {@link #similarities}; every item in it counts as seen
   * @param similarities {@code item_id STRING, similar_item_id STRING, similarity DOUBLE}, e.g.
   *     from {@link #similarities}
   * @return {@code user_id STRING, item_id STRING, score DOUBLE, rank INT, because_item_id STRING}:
   *     ranks 1, 2, … by score descending then item id ascending; users whose items have no
   *     neighbours have no rows
   */
  public static Dataset<Row> recommend(Dataset<Row> interactions, Dataset<Row> similarities, CoOccurrenceParams p) {
    check(interactions);
    SchemaCheck.require(similarities, "item similarities", SchemaCheck.columns(
        Columns.ITEM_ID, DataTypes.StringType,
        Columns.SIMILAR_ITEM_ID, DataTypes.StringType,
        Columns.SIMILARITY, DataTypes.DoubleType));
    LOG.info("co-occurrence recommendations: top-{} per user, {}", p.topN(), p.versionTag());
    Column affinity = p.weightedAffinity() ? col(Columns.WEIGHT) : lit(1.0);
    Dataset<Row> seen = interactions.where(col(Columns.USER_ID).isNotNull().and(col(Columns.ITEM_ID).isNotNull()))
        .select(Columns.USER_ID, Columns.ITEM_ID);
    Dataset<Row> scores = recentHistory(interactions, p)
        .select(col(Columns.USER_ID), col(Columns.ITEM_ID).as(Columns.BECAUSE_ITEM_ID), affinity.as(AFFINITY))
        .join(similarities.select(col(Columns.ITEM_ID).as(Columns.BECAUSE_ITEM_ID),
            col(Columns.SIMILAR_ITEM_ID).as(Columns.ITEM_ID), col(Columns.SIMILARITY)), Columns.BECAUSE_ITEM_ID)
        .withColumn(CONTRIBUTION, col(AFFINITY).multiply(col(Columns.SIMILARITY)))
        .join(seen, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(sum(CONTRIBUTION).as(Columns.SCORE),
            // the largest contribution, ties by the lower item id
            min_by(col(Columns.BECAUSE_ITEM_ID), struct(negate(col(CONTRIBUTION)), col(Columns.BECAUSE_ITEM_ID)))
                .as(Columns.BECAUSE_ITEM_ID));
    return Ranking.topKPerGroup(scores, Columns.USER_ID, Columns.SCORE, Columns.ITEM_ID, p.topN())
        .select(Columns.USER_ID, Columns.ITEM_ID, Columns.SCORE, Columns.RANK, Columns.BECAUSE_ITEM_ID);
  }

  private static Column similarity(CoOccurrenceParams.Similarity s, Column coCount, Column usersI, Column usersJ) {
    return switch (s) {
      case JACCARD -> coCount.divide(usersI.plus(usersJ).minus(coCount));
      case LIFT -> coCount.divide(usersI.multiply(usersJ));
      case COSINE -> coCount.divide(sqrt(usersI.multiply(usersJ)));
    };
  }

  /**
   * {@code user_id, item_id, weight}: one row per pair (weights summed), only each user's
   * {@code maxItemsPerUser} most recent items (then heaviest, then lowest id).
   */
  static Dataset<Row> recentHistory(Dataset<Row> interactions, CoOccurrenceParams p) {
    return interactions
        .where(col(Columns.USER_ID).isNotNull().and(col(Columns.ITEM_ID).isNotNull()).and(col(Columns.WEIGHT).gt(0)))
        .groupBy(Columns.USER_ID, Columns.ITEM_ID)
        .agg(sum(Columns.WEIGHT).as(Columns.WEIGHT), max(Columns.LAST_EVENT_TIME).as(Columns.LAST_EVENT_TIME))
        .withColumn("recency", row_number().over(Window.partitionBy(Columns.USER_ID).orderBy(
            col(Columns.LAST_EVENT_TIME).desc_nulls_last(), col(Columns.WEIGHT).desc(), col(Columns.ITEM_ID).asc())))
        .where(col("recency").leq(p.maxItemsPerUser()))
        .select(Columns.USER_ID, Columns.ITEM_ID, Columns.WEIGHT);
  }

  private static void check(Dataset<Row> interactions) {
    SchemaCheck.require(interactions, "interactions", SchemaCheck.columns(
        Columns.USER_ID, DataTypes.StringType,
        Columns.ITEM_ID, DataTypes.StringType,
        Columns.WEIGHT, DataTypes.DoubleType,
        Columns.LAST_EVENT_TIME, DataTypes.TimestampType));
  }
}

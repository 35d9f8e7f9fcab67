package dev.nightjar.models.cf;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ranking;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collaborative top-k per user from ALS factors, with excluded (e.g. already purchased) items
 * removed before the cut to k, so every list stays full when enough items remain.
 *
 * <pre>{@code
 * Dataset<Row> top = CfRecommender.recommend(model, purchasedPairs, 50); // user_idx, item_idx, score, rank
 * }</pre>
 */
public final class CfRecommender {
  private static final Logger LOG = LoggerFactory.getLogger(CfRecommender.class);

  private CfRecommender() {}

  /**
   * @param exclusions pairs ({@code user_idx, item_idx}) that must not be recommended
   */
  public static Dataset<Row> recommend(ALSModel model, Dataset<Row> exclusions, int k) {
    Row most = exclusions.groupBy(Columns.USER_IDX).count().agg(max("count")).head();
    long maxExcluded = most.isNullAt(0) ? 0 : most.getLong(0);
    int fetch = (int) Math.min(Integer.MAX_VALUE, k + maxExcluded);
    LOG.info("Scoring all users: top {} per user (k {} + up to {} excluded)", fetch, k, maxExcluded);
    model.setUserCol(Columns.USER_IDX).setItemCol(Columns.ITEM_IDX);
    Dataset<Row> scored =
        model
            .recommendForAllUsers(fetch)
            .select(col(Columns.USER_IDX), explode(col("recommendations")).as("rec"))
            .select(
                col(Columns.USER_IDX),
                col("rec." + Columns.ITEM_IDX).as(Columns.ITEM_IDX),
                col("rec.rating").as(Columns.SCORE));
    Dataset<Row> allowed =
        scored.join(exclusions.select(Columns.USER_IDX, Columns.ITEM_IDX), new String[] {Columns.USER_IDX, Columns.ITEM_IDX}, "left_anti");
    return Ranking.topKPerGroup(allowed, Columns.USER_IDX, Columns.SCORE, Columns.ITEM_IDX, k);
  }
}

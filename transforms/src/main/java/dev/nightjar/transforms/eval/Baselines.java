package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.CoOccurrence;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ranking;
import dev.nightjar.transforms.SchemaCheck;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The reference variants of an offline evaluation, which need no model of ours: {@link #popular} and
 * {@link #itemKnn}. Both return {@code user_id, item_id, rank} (rank 1 = best) without the items a user had
 * in training.
 *
 * <pre>{@code
 * Dataset<Row> popular = Baselines.popular(trainEvents, items, 10);
 * Dataset<Row> knn = Baselines.itemKnn(trainInteractions, 10);
 * }</pre>
 */
public final class Baselines {
  public static final String POPULAR = "popular";
  public static final String ITEM_KNN = "item_knn";

  private Baselines() {}

  /**
   * Most-popular: available items by distinct training users (ties by item id), each user's seen items removed.
   *
   * @param trainEvents {@code user_id, item_id} (more columns are ignored)
   * @param items {@code item_id, available}
   */
  public static Dataset<Row> popular(Dataset<Row> trainEvents, Dataset<Row> items, int k) {
    SchemaCheck.require(trainEvents, "Baselines.popular training events",
        java.util.Map.of(Columns.USER_ID, DataTypes.StringType, Columns.ITEM_ID, DataTypes.StringType));
    SchemaCheck.require(items, "Baselines.popular items",
        java.util.Map.of(Columns.ITEM_ID, DataTypes.StringType, Columns.AVAILABLE, DataTypes.BooleanType));
    Dataset<Row> seen = trainEvents.select(Columns.USER_ID, Columns.ITEM_ID).distinct();
    Dataset<Row> counts = seen.groupBy(Columns.ITEM_ID).agg(count(lit(1)).as(Columns.SCORE))
        .join(items.where(col(Columns.AVAILABLE)).select(Columns.ITEM_ID), Columns.ITEM_ID);
    Row busiest = seen.groupBy(Columns.USER_ID).count().agg(max("count")).head();
    int pool = (int) Math.min(Integer.MAX_VALUE, k + (busiest.isNullAt(0) ? 0 : busiest.getLong(0)));
    Dataset<Row> top = Ranking.topKPerGroup(counts.withColumn("all", lit(1)), "all", Columns.SCORE, Columns.ITEM_ID, pool)
        .select(Columns.ITEM_ID, Columns.SCORE);
    Dataset<Row> candidates = seen.select(Columns.USER_ID).distinct().crossJoin(broadcast(top))
        .join(seen, new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti");
    return Ranking.topKPerGroup(candidates, Columns.USER_ID, Columns.SCORE, Columns.ITEM_ID, k)
        .select(Columns.USER_ID, Columns.ITEM_ID, Columns.RANK);
  }

  /**
   * Item-kNN: cosine between items' user sets (binary co-occurrence, every pair seen by one user or
   * more, {@link CoOccurrenceParams#DEFAULT_NEIGHBOURS_PER_ITEM} neighbours per item), a user's score the sum of
   * similarities to their items.
   *
   * @param interactions one night's interactions, as {@link CoOccurrence#recommend} reads them
   */
  public static Dataset<Row> itemKnn(Dataset<Row> interactions, int k) {
    CoOccurrenceParams p = new CoOccurrenceParams(CoOccurrenceParams.Similarity.COSINE, 1,
        CoOccurrenceParams.DEFAULT_MAX_ITEMS_PER_USER, CoOccurrenceParams.DEFAULT_NEIGHBOURS_PER_ITEM, k, false);
    return CoOccurrence.recommend(interactions, p).select(Columns.USER_ID, Columns.ITEM_ID, Columns.RANK);
  }
}

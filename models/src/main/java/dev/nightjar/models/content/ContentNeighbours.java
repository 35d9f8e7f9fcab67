package dev.nightjar.models.content;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.IdIndex;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exact nearest neighbours by cosine in the text-embedding space, computed blockwise on the
 * executors by {@link BlockwiseTopKScorer} (no cross join of all pairs followed by a sort):
 * similar items, and the audience of an item (the users whose content profile is closest to it).
 *
 * <pre>{@code
 * Dataset<Row> similar = ContentNeighbours.similarItems(itemEmbeddings, 20);    // item_id, similar_item_id, score, rank
 * Dataset<Row> audiences = ContentNeighbours.audiences(newItems, profiles, 100); // item_id, user_id, score, rank
 * }</pre>
 */
public final class ContentNeighbours {
  public static final String SIMILAR_ITEM_ID = "similar_item_id";

  private ContentNeighbours() {}

  /**
   * For every item, its {@code n} most similar other items.
   *
   * @param itemEmbeddings {@code item_id STRING, vector ARRAY<FLOAT>}
   */
  public static Dataset<Row> similarItems(Dataset<Row> itemEmbeddings, int n) {
    Dataset<Row> index = IdIndex.extend(IdIndex.empty(itemEmbeddings.sparkSession()),
        itemEmbeddings.select(col(Columns.ITEM_ID).as(Columns.ID)));
    Dataset<Row> vectors = indexed(itemEmbeddings, index, Columns.ITEM_ID);
    Dataset<Row> self = vectors.select(col(BlockwiseTopKScorer.ID).as(BlockwiseTopKScorer.USER), col(BlockwiseTopKScorer.ID).as(BlockwiseTopKScorer.ITEM));
    Dataset<Row> top = BlockwiseTopKScorer.topK(vectors, vectors, self, TopKParams.of(n, TopKParams.Metric.COSINE));
    return named(top, index, Columns.ITEM_ID, index, SIMILAR_ITEM_ID);
  }

  /**
   * For every item of {@code items}, the {@code n} users whose profile is most similar to it.
   *
   * @param items {@code item_id STRING, vector ARRAY<FLOAT>}
   * @param profiles {@code user_id STRING, vector ARRAY<FLOAT>}
   */
  public static Dataset<Row> audiences(Dataset<Row> items, Dataset<Row> profiles, int n) {
    Dataset<Row> itemIndex = IdIndex.extend(IdIndex.empty(items.sparkSession()), items.select(col(Columns.ITEM_ID).as(Columns.ID)));
    Dataset<Row> userIndex = IdIndex.extend(IdIndex.empty(items.sparkSession()), profiles.select(col(Columns.USER_ID).as(Columns.ID)));
    Dataset<Row> top = BlockwiseTopKScorer.topK(
        indexed(items, itemIndex, Columns.ITEM_ID), indexed(profiles, userIndex, Columns.USER_ID), null,
        TopKParams.of(n, TopKParams.Metric.COSINE));
    return named(top, itemIndex, Columns.ITEM_ID, userIndex, Columns.USER_ID);
  }

  private static Dataset<Row> indexed(Dataset<Row> vectors, Dataset<Row> index, String idCol) {
    return vectors.join(index.select(col(Columns.ID).as(idCol), col(Columns.IDX)), idCol)
        .select(col(Columns.IDX).as(BlockwiseTopKScorer.ID), col("vector").as(BlockwiseTopKScorer.FEATURES));
  }

  private static Dataset<Row> named(Dataset<Row> top, Dataset<Row> rowIndex, String rowCol, Dataset<Row> colIndex, String colCol) {
    return top
        .join(rowIndex.select(col(Columns.IDX).as(BlockwiseTopKScorer.USER), col(Columns.ID).as(rowCol)), BlockwiseTopKScorer.USER)
        .join(colIndex.select(col(Columns.IDX).as(BlockwiseTopKScorer.ITEM), col(Columns.ID).as(colCol)), BlockwiseTopKScorer.ITEM)
        .select(col(rowCol), col(colCol), col(BlockwiseTopKScorer.SCORE).cast(DataTypes.DoubleType).as(Columns.SCORE),
            col(BlockwiseTopKScorer.RANK).as(Columns.RANK));
  }
}

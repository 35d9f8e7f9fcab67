package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.IdIndex;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/** The vector sources' shared step: exact top-N by the blockwise scorer, excluded items applied inside, back to string ids. */
final class ScorerCandidates {
  private ScorerCandidates() {}

  /**
   * @param users {@code idx, features}
   * @param items {@code idx, features}
   * @return {@code user_id, item_id, score DOUBLE, source}
   */
  static Dataset<Row> topN(CandidateContext c, Dataset<Row> users, Dataset<Row> items, int n, TopKParams.Metric metric, Source source) {
    Dataset<Row> top = BlockwiseTopKScorer.topK(
        users.select(col(Columns.IDX).as(BlockwiseTopKScorer.ID), col(Columns.FEATURES).as(BlockwiseTopKScorer.FEATURES)),
        items.select(col(Columns.IDX).as(BlockwiseTopKScorer.ID), col(Columns.FEATURES).as(BlockwiseTopKScorer.FEATURES)),
        c.excludedIndexes(), TopKParams.of(n, metric));
    Dataset<Row> withIds = IdIndex.resolve(IdIndex.resolve(top, c.inputs().userIndex(), BlockwiseTopKScorer.USER, Columns.USER_ID),
        c.inputs().itemIndex(), BlockwiseTopKScorer.ITEM, Columns.ITEM_ID);
    return withIds.select(col(Columns.USER_ID), col(Columns.ITEM_ID),
        col(BlockwiseTopKScorer.SCORE).cast(DataTypes.DoubleType).as(Columns.SCORE), lit(source.id()).as(Blend.SOURCE));
  }

  /** Users' profile vectors as scorer input: {@code user_id, idx, features}. */
  static Dataset<Row> profileVectors(CandidateInputs in) {
    return IdIndex.attach(in.profiles(), in.userIndex(), Columns.USER_ID, Columns.IDX)
        .select(col(Columns.USER_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES));
  }

  /** The text embeddings of {@code items} (with an item_id column) as scorer input: {@code item_id, idx, features}. */
  static Dataset<Row> itemVectors(CandidateInputs in, Dataset<Row> items) {
    return IdIndex.attach(in.embeddings().join(items.select(Columns.ITEM_ID), Columns.ITEM_ID), in.itemIndex(), Columns.ITEM_ID, Columns.IDX)
        .select(col(Columns.ITEM_ID), col(Columns.IDX), col("vector").as(Columns.FEATURES));
  }
}

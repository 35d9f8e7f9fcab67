package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Repurchase;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@link Source#REPURCHASE}: the user's purchases due for reorder ({@link Repurchase#due}), scored by days since the
 * last purchase, each naming itself as the history item behind it.
 */
final class RepurchaseCandidates implements CandidateSource {
  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    return c.due().join(c.users(), Columns.USER_ID)
        .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Repurchase.DAYS_SINCE).cast(DataTypes.DoubleType).as(Columns.SCORE),
            lit(Source.REPURCHASE.id()).as(Blend.SOURCE), col(Columns.ITEM_ID).as(Blend.ANCHOR_ITEM_ID));
  }
}

package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.CoOccurrence;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@link Source#COOCCURRENCE}: SAR-style item-item scores ({@link CoOccurrence#recommend}), top-N per user, naming the seen item behind each. */
final class CoOccurrenceCandidates implements CandidateSource {
  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    CoOccurrenceParams p = c.params().cooccurrence();
    CoOccurrenceParams topN = new CoOccurrenceParams(
        p.similarity(), p.minCoCount(), p.maxItemsPerUser(), p.neighboursPerItem(), c.params().perSource(), p.weightedAffinity());
    return CoOccurrence.recommend(c.inputs().interactions(), topN)
        .join(c.eligible().select(Columns.ITEM_ID), Columns.ITEM_ID)
        .join(c.excluded(), new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
        .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.SCORE), lit(Source.COOCCURRENCE.id()).as(Blend.SOURCE),
            col(Columns.BECAUSE_ITEM_ID).as(Blend.ANCHOR_ITEM_ID));
  }
}

package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@link Source#FALLBACK}: the {@value #ITEMS} most trending items (the trending source's release, so no second
 * privacy cost) offered to every known user except their excluded items. Its weight is far below every other
 * source's, so it decides only the slots the other sources leave empty.
 */
final class FallbackCandidates implements CandidateSource {
  /** Trending items the fallback offers: enough for a full list after a user's own exclusions. */
  static final int ITEMS = 60;

  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    return CandidateSource.withoutAnchor(c.users().crossJoin(top(c))
        .join(c.excluded(), new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
        .withColumn(Blend.SOURCE, lit(Source.FALLBACK.id())));
  }

  /** The {@value #ITEMS} best trending items that may be recommended: {@code item_id, score}. */
  static Dataset<Row> top(CandidateContext c) {
    return c.trendingItems().join(c.eligible().select(Columns.ITEM_ID), Columns.ITEM_ID)
        .orderBy(col(Columns.SCORE).desc(), col(Columns.ITEM_ID)).limit(ITEMS)
        .select(Columns.ITEM_ID, Columns.SCORE);
  }
}

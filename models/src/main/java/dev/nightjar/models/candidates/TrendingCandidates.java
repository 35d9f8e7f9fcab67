package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Ranking;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@link Source#TRENDING}: interaction weight summed over users in the last {@code trending.days} days with a short
 * half-life, released by {@code trending.popularity} (exact, or bounded and noised); the overall top
 * {@code trending.items} plus the top {@value #PER_CATEGORY} of each category, offered to every user (except their
 * excluded items).
 */
final class TrendingCandidates implements CandidateSource {
  /** Trending items per category offered to every user, so exploration has something to pick. */
  static final int PER_CATEGORY = 3;

  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    return CandidateSource.withoutAnchor(c.users().crossJoin(c.trendingItems().select(Columns.ITEM_ID, Columns.SCORE))
        .join(c.excluded(), new String[] {Columns.USER_ID, Columns.ITEM_ID}, "left_anti")
        .withColumn(Blend.SOURCE, lit(Source.TRENDING.id())));
  }

  /** The trending items: {@code item_id, score} (computed once per pool: {@link CandidateContext#trendingItems}). */
  static Dataset<Row> items(CandidateContext c) {
    CandidateParams.Trending t = c.params().trending();
    InteractionParams base = c.params().interactions();
    InteractionParams recent = InteractionParams.window(t.days(), t.halfLifeDays(), base.eventWeights(), base.botMaxEventsPerDay());
    Dataset<Row> popularity = t.popularity()
        .popularity(Interactions.compute(c.inputs().events(), c.params().date(), recent), c.eligible())
        .withColumn("all", lit("all"));
    Dataset<Row> overall = Ranking.topKPerGroup(popularity, "all", Columns.SCORE, Columns.ITEM_ID, t.items());
    Dataset<Row> perCategory = Ranking.topKPerGroup(
        popularity.where(col(Columns.CATEGORY).isNotNull()), Columns.CATEGORY, Columns.SCORE, Columns.ITEM_ID, PER_CATEGORY);
    return overall.select(Columns.ITEM_ID, Columns.SCORE).union(perCategory.select(Columns.ITEM_ID, Columns.SCORE)).distinct();
  }
}

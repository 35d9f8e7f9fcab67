package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.col;

import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Columns;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exploration pool ({@link CandidateParams#explorePool}): each user's best {@value #ITEMS_PER_CATEGORY} eligible
 * items within each of the largest {@code exploreCategories} categories by content (cosine between the user's
 * profile vector and the items' text embeddings), as {@link Source#CONTENT} candidates. One blockwise scorer pass per
 * category, over that category's items only, so together they cost one pass over the catalogue. Content rather than
 * ALS: for a category the user has not touched, ALS ranks by the category's popularity (the same few items for
 * everyone), while the user's own profile picks the items of that category closest to what they do like. Not a
 * source of its own: it widens the content source so that an exploration slot draws from the user's own items of a
 * category their top-N does not reach.
 */
final class ExplorePool {
  /** Items per user and category offered to exploration. */
  static final int ITEMS_PER_CATEGORY = 3;
  private static final Logger LOG = LoggerFactory.getLogger(ExplorePool.class);

  private ExplorePool() {}

  /** {@link CandidateSource#SCHEMA}, source {@code content}, no anchor. */
  static Dataset<Row> candidates(CandidateContext c) {
    Dataset<Row> eligible = c.eligible();
    List<String> categories = eligible.where(col(Columns.CATEGORY).isNotNull()).groupBy(Columns.CATEGORY).count()
        .orderBy(col("count").desc(), col(Columns.CATEGORY)).limit(c.params().exploreCategories())
        .select(Columns.CATEGORY).as(Encoders.STRING()).collectAsList();
    LOG.info("Exploration pool: each user's best {} items by content in each of {} categories", ITEMS_PER_CATEGORY, categories.size());
    Dataset<Row> profiles = ScorerCandidates.profileVectors(c.inputs());
    Dataset<Row> out = eligible.sparkSession().createDataFrame(List.of(), CandidateSource.SCHEMA);
    for (String category : categories) {
      Dataset<Row> items = ScorerCandidates.itemVectors(c.inputs(), eligible.where(col(Columns.CATEGORY).equalTo(category)));
      out = out.unionByName(CandidateSource.withoutAnchor(
          ScorerCandidates.topN(c, profiles, items, ITEMS_PER_CATEGORY, TopKParams.Metric.COSINE, Source.CONTENT)));
    }
    return out;
  }
}

package dev.nightjar.models.candidates;

import dev.nightjar.models.scoring.TopKParams;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@link Source#CONTENT}: each user's top-N eligible items by cosine between their content profile and the item's text embedding. */
final class ContentCandidates implements CandidateSource {
  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    return CandidateSource.withoutAnchor(ScorerCandidates.topN(c, ScorerCandidates.profileVectors(c.inputs()),
        ScorerCandidates.itemVectors(c.inputs(), c.eligible()), c.params().perSource(), TopKParams.Metric.COSINE, Source.CONTENT));
  }
}

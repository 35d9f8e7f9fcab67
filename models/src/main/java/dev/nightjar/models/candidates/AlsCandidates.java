package dev.nightjar.models.candidates;

import dev.nightjar.models.scoring.TopKParams;
import dev.nightjar.transforms.Columns;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** {@link Source#ALS}: each user's top-N eligible items by the dot product of the ALS factors. */
final class AlsCandidates implements CandidateSource {
  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    Dataset<Row> items = c.inputs().itemFactors().join(c.eligible().select(Columns.ITEM_ID), Columns.ITEM_ID);
    return CandidateSource.withoutAnchor(
        ScorerCandidates.topN(c, c.inputs().userFactors(), items, c.params().perSource(), TopKParams.Metric.DOT, Source.ALS));
  }
}

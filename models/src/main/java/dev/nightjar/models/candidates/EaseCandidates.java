package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.models.itemitem.Ease;
import dev.nightjar.models.itemitem.EaseModel;
import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.IdIndex;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Source#EASE}: the closed-form item-item model fitted on night D's interactions, top-N per user with the
 * excluded and ineligible items left out inside the scorer, naming the history item behind each. The model's
 * broadcast weights live until the pool is closed; its coverage is reported as {@value #EASE_ITEMS}.
 */
final class EaseCandidates implements CandidateSource {
  /** The pool detail: items EASE covers. */
  static final String EASE_ITEMS = "ease_items";
  private static final Logger LOG = LoggerFactory.getLogger(EaseCandidates.class);

  @Override
  public Dataset<Row> candidates(CandidateContext c) {
    CandidateInputs in = c.inputs();
    Dataset<Row> indexed = IdIndex.attach(IdIndex.attach(in.interactions(), in.userIndex(), Columns.USER_ID, Columns.USER_IDX),
            in.itemIndex(), Columns.ITEM_ID, Columns.ITEM_IDX)
        .select(Columns.USER_IDX, Columns.ITEM_IDX, Columns.WEIGHT)
        .persist(StorageLevel.MEMORY_AND_DISK());
    EaseModel ease = Ease.fit(indexed, c.params().ease());
    c.closeWithPool(ease);
    LOG.info("Candidates {}: {}", c.params().date(), ease.coverage().message());
    Dataset<Row> unavailable = IdIndex.named(in.itemIndex(), Columns.ITEM_ID, Columns.ITEM_IDX)
        .join(c.eligible().select(Columns.ITEM_ID), new String[] {Columns.ITEM_ID}, "left_anti");
    Dataset<Row> exclusions = c.excludedIndexes()
        .select(col(BlockwiseTopKScorer.USER).as(Columns.USER_IDX), col(BlockwiseTopKScorer.ITEM).as(Columns.ITEM_IDX))
        .unionByName(indexed.select(Columns.USER_IDX).distinct().crossJoin(unavailable.select(Columns.ITEM_IDX)));
    Dataset<Row> recommended = ease.recommend(indexed, exclusions, c.params().perSource());
    Dataset<Row> withIds = IdIndex.resolveOrNull(
        IdIndex.resolve(IdIndex.resolve(recommended, in.userIndex(), Columns.USER_IDX, Columns.USER_ID), in.itemIndex(), Columns.ITEM_IDX,
            Columns.ITEM_ID),
        in.itemIndex(), Columns.BECAUSE_ITEM_IDX, Blend.ANCHOR_ITEM_ID);
    c.detail(EASE_ITEMS, ease.coverage().coveredItems());
    return withIds.select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.SCORE), lit(Source.EASE.id()).as(Blend.SOURCE),
        col(Blend.ANCHOR_ITEM_ID));
  }
}

package dev.nightjar.models.candidates;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.models.lists.SparkListAssembler;
import dev.nightjar.models.scoring.BlockwiseTopKScorer;
import dev.nightjar.transforms.Blend;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Eligibility;
import dev.nightjar.transforms.IdIndex;
import dev.nightjar.transforms.Interactions;
import dev.nightjar.transforms.Interests;
import dev.nightjar.transforms.Ranking;
import dev.nightjar.transforms.Repurchase;
import java.sql.Date;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's candidates from every source in {@link CandidateParams#sources}, rules applied (only eligible items:
 * available, not blocklisted; no purchased item unless repurchasable and due; with {@code excludeSeen}, no seen item),
 * each source's raw score kept. Computed once and kept (persisted) until closed, so that several list settings (the
 * evaluation's variants, tuning's trials) are assembled from them without scoring again: {@link #lists} blends with
 * the given weights, then per user MMR, the category cap, exploration slots and reasons.
 *
 * <pre>{@code
 * try (CandidatePool pool = CandidatePool.build(inputs, params)) {
 *   Dataset<Row> lists = pool.lists(listParams);     // columns of the recommendations table
 *   pool.details();                                   // candidate_rows, ease_items
 * }
 * }</pre>
 */
public final class CandidatePool implements AutoCloseable {
  /** The pool detail: rows in the pool (user, item, source). */
  public static final String CANDIDATE_ROWS = "candidate_rows";
  /** The pool detail: items EASE covers (when EASE is a source). */
  public static final String EASE_ITEMS = EaseCandidates.EASE_ITEMS;
  /**
   * The {@code user_id} of the new-customer list ({@link #newCustomerList}): what serving shows a customer who has
   * no list of their own because they were not known at D. Never a pseudonym (those are hex digests).
   */
  public static final String NEW_CUSTOMER = "*";
  private static final Logger LOG = LoggerFactory.getLogger(CandidatePool.class);

  private final CandidateInputs in;
  private final CandidateParams params;
  private final CandidateContext context;
  private final Dataset<Row> pool;
  private final Dataset<Row> history;
  private final Dataset<Row> beliefs;
  private final Broadcast<Map<String, float[]>> vectors;

  private CandidatePool(CandidateInputs in, CandidateParams params, CandidateContext context, Dataset<Row> pool, Dataset<Row> history,
      Dataset<Row> beliefs, Broadcast<Map<String, float[]>> vectors) {
    this.in = in;
    this.params = params;
    this.context = context;
    this.pool = pool;
    this.history = history;
    this.beliefs = beliefs;
    this.vectors = vectors;
  }

  /** The implementation of each source: a new source is a constant of {@link Source}, its file here and a case below. */
  static CandidateSource source(Source s) {
    return switch (s) {
      case ALS -> new AlsCandidates();
      case CONTENT -> new ContentCandidates();
      case TRENDING -> new TrendingCandidates();
      case REPURCHASE -> new RepurchaseCandidates();
      case COOCCURRENCE -> new CoOccurrenceCandidates();
      case EASE -> new EaseCandidates();
      case FALLBACK -> new FallbackCandidates();
    };
  }

  /** Computes and persists the pool (one Spark action counts it). */
  public static CandidatePool build(CandidateInputs in, CandidateParams p) {
    Dataset<Row> eligible = Eligibility.items(in.items(), p.blocklist()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> purchases = Repurchase.lastPurchases(in.events(), in.items(), p.date(), p.interactions());
    Dataset<Row> due = Repurchase.due(purchases, p.date(), p.repurchaseDays()).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> excluded = Repurchase.excluded(purchases, p.date(), p.repurchaseDays());
    if (p.excludeSeen()) {
      // Every item of the user's history up to D, not only those the interactions kept (cap, weights).
      excluded = excluded.union(in.events().where(col(Columns.EVENT_DATE).leq(lit(Date.valueOf(p.date()))).and(col(Columns.ITEM_ID).isNotNull()))
          .select(Columns.USER_ID, Columns.ITEM_ID)).distinct();
    }
    Dataset<Row> excludedIndexes = IdIndex.attach(IdIndex.attach(excluded, in.userIndex(), Columns.USER_ID, BlockwiseTopKScorer.USER),
            in.itemIndex(), Columns.ITEM_ID, BlockwiseTopKScorer.ITEM)
        .select(BlockwiseTopKScorer.USER, BlockwiseTopKScorer.ITEM);
    // Every user known up to D is served, with or without history the models can use (the fallback fills their list);
    // bots are not (interactions leave them out for the same rule).
    Dataset<Row> known = in.events().where(col(Columns.EVENT_DATE).leq(lit(Date.valueOf(p.date()))));
    Dataset<Row> users = known.select(Columns.USER_ID).distinct()
        .join(Interactions.bots(Interactions.window(known, p.date(), p.interactions()),
            p.interactions()).select(Columns.USER_ID), new String[] {Columns.USER_ID}, "left_anti")
        .persist(StorageLevel.MEMORY_AND_DISK());
    CandidateContext c = new CandidateContext(in, p, eligible, excluded, excludedIndexes, due, users);

    Dataset<Row> all = in.items().sparkSession().createDataFrame(Collections.emptyList(), CandidateSource.SCHEMA);
    for (Source s : p.sources()) {
      all = all.unionByName(source(s).candidates(c));
    }
    if (p.explorePool()) {
      all = all.unionByName(ExplorePool.candidates(c));
    }
    // Only eligible items; the pool keeps each source's raw score, the blend happens per list setting.
    Dataset<Row> pool = all.join(eligible.select(Columns.ITEM_ID), Columns.ITEM_ID)
        .groupBy(Columns.USER_ID, Columns.ITEM_ID, Blend.SOURCE) // an item both in a top-N and a category's best: once
        .agg(max(Columns.SCORE).as(Columns.SCORE), max(Blend.ANCHOR_ITEM_ID).as(Blend.ANCHOR_ITEM_ID))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long poolRows = pool.count();
    c.detail(CANDIDATE_ROWS, poolRows);
    LOG.info("Candidates {}: {} rows ({} per source and user at most)", p.date(), poolRows, p.perSource());
    Dataset<Row> history =
        Ranking.topKPerGroup(in.interactions(), Columns.USER_ID, Columns.LAST_EVENT_TIME, Columns.ITEM_ID, 20)
            .join(in.items().select(Columns.ITEM_ID, Columns.TITLE), Columns.ITEM_ID)
            .select(col(Columns.USER_ID), col(Columns.ITEM_ID), col(Columns.TITLE), col(Columns.PURCHASES).gt(0).as("purchased"))
            .persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> beliefs = in.interests().select(Columns.USER_ID, Columns.CATEGORY, Interests.ALPHA, Interests.BETA);
    // Item vectors go to the driver once and are broadcast: bounded by the catalogue, not by events
    // (50k items × 384 floats ≈ 77 MB), like the item factors the scorer broadcasts.
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(in.items().sparkSession().sparkContext());
    Broadcast<Map<String, float[]>> vectors =
        jsc.broadcast(SparkListAssembler.vectorsById(in.embeddings().select(Columns.ITEM_ID, "vector").collectAsList()));
    return new CandidatePool(in, p, c, pool, history, beliefs, vectors);
  }

  /** {@code user_id} of every user the pool serves (every user with an event up to D). */
  public Dataset<Row> users() {
    return context.users();
  }

  /** The model version the lists name. */
  public String modelVersion() {
    return in.modelVersion();
  }

  /** What the pool reports, in the order found: each source's own (e.g. {@value #EASE_ITEMS}), then {@value #CANDIDATE_ROWS}. */
  public Map<String, Object> details() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(context.details()));
  }

  /** The pool itself: {@code user_id, item_id, source, score, anchor_item_id}, each source's raw score. */
  public Dataset<Row> candidates() {
    return pool;
  }

  /** {@link #lists(ListParams, Dataset)} for every user. */
  public Dataset<Row> lists(ListParams p) {
    return lists(p, null);
  }

  /**
   * The lists for these settings, for {@code users} only (a {@code user_id} column; null = everyone): the blend with
   * {@code p.weights()} (a source weighted 0 adds nothing), then per user MMR, the category cap, exploration and
   * reasons. Every step works per user, so a user's rows are the same whichever users are asked for (what tuning
   * scores its validation users with). Columns as the {@code recommendations} table.
   */
  public Dataset<Row> lists(ListParams p, Dataset<Row> users) {
    Dataset<Row> weighted = pool.where(col(Blend.SOURCE).isin(p.weights().entrySet().stream()
        .filter(e -> e.getValue() > 0).map(Map.Entry::getKey).toArray()));
    if (users != null) {
      weighted = weighted.join(users.select(Columns.USER_ID), new String[] {Columns.USER_ID}, "left_semi");
    }
    Dataset<Row> blended = Blend.combine(
            weighted.select(Columns.USER_ID, Columns.ITEM_ID, Blend.SOURCE, Columns.SCORE, Blend.ANCHOR_ITEM_ID), p.weights())
        .join(context.eligible(), Columns.ITEM_ID);
    return SparkListAssembler.assemble(
            blended.select(Columns.USER_ID, Columns.ITEM_ID, Columns.TITLE, Columns.CATEGORY, Columns.SCORE, Blend.SOURCE,
                Blend.ANCHOR_ITEM_ID),
            history, beliefs, vectors, p.assembly(), params.date().toEpochDay())
        .join(blended.select(Columns.USER_ID, Columns.ITEM_ID, Blend.COMPONENTS), new String[] {Columns.USER_ID, Columns.ITEM_ID})
        .select(
            col(Columns.USER_ID), col(Columns.RANK), col(Columns.ITEM_ID), col(Columns.SCORE), col(Blend.SOURCE),
            col(Columns.REASON), col(SparkListAssembler.REASON_ITEM_IDS), col(SparkListAssembler.PROPENSITY),
            col(Blend.COMPONENTS), lit(Date.valueOf(params.date())).as(Columns.RUN_DATE), lit(in.modelVersion()).as(Columns.MODEL_VERSION));
  }

  /**
   * The list of a customer with no history, under user id {@value #NEW_CUSTOMER}: the best {@code k} fallback
   * items, with the fallback reason, columns as {@link #lists}. Empty when {@code p} weights the fallback 0.
   */
  public Dataset<Row> newCustomerList(ListParams p) {
    Dataset<Row> empty = lists(p).limit(0);
    if (p.weights().getOrDefault(Source.FALLBACK.id(), 0.0) <= 0) {
      return empty;
    }
    // At most k rows reach the driver.
    List<Row> top = FallbackCandidates.top(context).join(context.eligible(), Columns.ITEM_ID)
        .orderBy(col(Columns.SCORE).desc(), col(Columns.ITEM_ID)).limit(p.assembly().k())
        .select(Columns.ITEM_ID, Columns.SCORE, Columns.TITLE, Columns.CATEGORY).collectAsList();
    List<Row> rows = new ArrayList<>();
    Date date = Date.valueOf(params.date());
    for (int i = 0; i < top.size(); i++) {
      Row r = top.get(i);
      rows.add(RowFactory.create(NEW_CUSTOMER, i + 1, r.getString(0), r.getDouble(1), Source.FALLBACK.id(),
          Source.FALLBACK.reason(null, false, r.getString(3), r.getString(2)), List.of(), 1.0,
          Map.of(Source.FALLBACK.id(), 1.0), date, in.modelVersion()));
    }
    return empty.sparkSession().createDataFrame(rows, empty.schema());
  }

  /**
   * {@link #lists(ListParams, Dataset)} for {@code users}, where a user the pool has no list for (a customer not
   * known at D) gets the {@link #newCustomerList}: what serving shows them. Columns {@code user_id, item_id, rank}.
   */
  public Dataset<Row> listsAsServed(ListParams p, Dataset<Row> users) {
    Dataset<Row> own = lists(p, users).select(Columns.USER_ID, Columns.ITEM_ID, Columns.RANK);
    Dataset<Row> unknown = users.select(Columns.USER_ID).distinct().join(own.select(Columns.USER_ID), new String[] {Columns.USER_ID}, "left_anti");
    return own.unionByName(unknown.crossJoin(newCustomerList(p).select(Columns.ITEM_ID, Columns.RANK)));
  }

  @Override
  public void close() {
    context.users().unpersist();
    pool.unpersist();
    history.unpersist();
    context.eligible().unpersist();
    context.due().unpersist();
    vectors.destroy();
    for (AutoCloseable resource : context.resources()) {
      try {
        resource.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing a candidate source's " + resource.getClass().getSimpleName() + " failed", e);
      }
    }
  }
}

package dev.nightjar.transforms.eval;

/**
 * Column names and metric names of the {@code evaluate} stage, in one place. Shared names
 * ({@code user_id}, {@code item_id}, {@code rank}, {@code event_time}) come from {@link
 * dev.nightjar.transforms.Columns}.
 *
 * <pre>{@code
 * metrics.where(col(EvalColumns.METRIC).equalTo(EvalColumns.NDCG).and(col(EvalColumns.K).equalTo(10)));
 * }</pre>
 */
public final class EvalColumns {
  private EvalColumns() {}

  // metric tables: metric STRING, k INT, value DOUBLE (plus slice STRING when sliced)
  public static final String METRIC = "metric";
  public static final String K = "k";
  public static final String VALUE = "value";
  public static final String SLICE = "slice";
  /**
   * Optional column of {@code recommendations}: the variant a list belongs to. When present, every metric is computed
   * per variant in one pass (the lists of several variants scored at once) and its rows carry the variant.
   */
  public static final String VARIANT = "variant";

  // per-user metric rows
  public static final String N_RELEVANT = "n_relevant";

  // item vectors for intra-list diversity: item_id STRING, vector ARRAY<FLOAT>
  public static final String VECTOR = "vector";

  // ranking metric names; also the column names of the per-user rows
  public static final String PRECISION = "precision";
  public static final String RECALL = "recall";
  public static final String NDCG = "ndcg";
  public static final String MAP = "map";
  public static final String HIT_RATE = "hit_rate";
  public static final String MRR = "mrr";

  // beyond-accuracy metric names
  public static final String COVERAGE = "coverage";
  public static final String NOVELTY = "novelty";
  public static final String INTRA_LIST_DIVERSITY = "intra_list_diversity";
  public static final String PERSONALISATION = "personalisation";

  // slice names
  public static final String SLICE_ALL = "all";
  public static final String SLICE_COLD_ITEMS = "cold_items";
  public static final String SLICE_WARM_USERS = "warm_users";
  public static final String SLICE_NEW_USERS = "new_users";
  public static final String SLICE_LIGHT_USERS = "light_users";
  public static final String SLICE_HEAVY_USERS = "heavy_users";
}

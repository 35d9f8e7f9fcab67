package dev.nightjar.jobs.config;

import java.util.List;

/**
 * Settings of the {@code evaluate} stage (docs/evaluation.md); keys in {@link ConfigKeys.Evaluate}.
 *
 * <pre>{@code
 * EvaluateSettings e = NightjarConfig.load(null, List.of("nightjar.evaluate.ks=5,50")).evaluate();
 * e.maxK(); // 50
 * }</pre>
 *
 * @param split {@code temporal}, {@code stratified} or {@code last-n}
 * @param holdoutDays temporal: the test part is the last this many days up to D
 * @param ratio stratified: share of each user's events kept for training
 * @param seed stratified: seed of the per-user split
 * @param lastN last-n: each user's latest n events are the test part
 * @param ks cut-offs the metrics are computed at
 * @param variants what is scored (popular, item_knn, als, content, ease, cooccurrence, blend, blend_explore_E,
 *     tuned: the blend with parameters tuned on the training part only; als_spark_default: ALS alone with Spark's
 *     default settings rank 10, regParam 0.1, alpha 1.0, maxIter 10)
 * @param frontierK exploration slots of {@code blend_explore_E} are spread evenly over ranks 1..frontierK
 * @param relevantEvents event types whose test items count as relevant
 * @param newUserMaxTrainInteractions users with at most this many training events form the {@code new_users} slice
 */
public record EvaluateSettings(
    String split, int holdoutDays, double ratio, long seed, int lastN, List<Integer> ks, List<String> variants, int frontierK,
    List<String> relevantEvents, int newUserMaxTrainInteractions) {
  public static final List<String> SPLITS = List.of("temporal", "stratified", "last-n");
  public static final String DEFAULT_SPLIT = "temporal";
  public static final int DEFAULT_HOLDOUT_DAYS = 3;
  public static final double DEFAULT_RATIO = 0.8;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_LAST_N = 1;
  public static final String DEFAULT_KS = "5,10,20";
  public static final String DEFAULT_VARIANTS = "popular,item_knn,als,content,ease,cooccurrence,blend,blend_explore_2,blend_explore_5";
  public static final int DEFAULT_FRONTIER_K = 10;
  public static final String DEFAULT_RELEVANT_EVENTS = "view,cart,purchase,favorite,rating,review";
  public static final int DEFAULT_NEW_USER_MAX_TRAIN_INTERACTIONS = 2;
  /** What {@code nightjar.evaluate.variants} accepts. */
  public static final String ALLOWED_VARIANTS =
      "popular, item_knn, als, content, ease, cooccurrence, blend, blend_explore_<E>, tuned, als_spark_default";

  public EvaluateSettings {
    ks = List.copyOf(ks);
    variants = List.copyOf(variants);
    relevantEvents = List.copyOf(relevantEvents);
  }

  /** The largest cut-off: the list length every variant is asked for. */
  public int maxK() {
    return ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
  }
}

package dev.nightjar.jobs.config;

import java.util.List;

/**
 * Settings of the {@code tune} stage (docs/evaluation.md, "Tuning"): what it searches, how long, and how
 * it carves its validation part out of the data it is given; keys in {@link ConfigKeys.Tune}.
 *
 * <pre>{@code
 * TuneSettings t = NightjarConfig.load(null, List.of("nightjar.tune.modelTrials=2")).tune();
 * t.space().alsRank(); // [16, 32, 64]
 * t.metricK();         // 10
 * }</pre>
 *
 * @param use {@code latest}: the nightly {@code train} and {@code recommend} stages overlay the latest chosen
 *     parameters of {@code model_params} (tuned on or before D) on this configuration; {@code off}: never
 * @param everyDays the {@code tune} stage of the nightly DAG re-tunes when the last tuning is at least this many
 *     days before D (7 = weekly) and skips otherwise; {@code bin/nightjar tune --force} always tunes
 * @param budgetSeconds no new model trial starts after this many seconds (the first always runs)
 * @param seed seed of the random search (same seed, data and budget → same trials and choice)
 * @param modelTrials model configurations tried (ALS and EASE retrained each time); the first is the configured one
 * @param listTrials list settings (blend weights, MMR λ) scored per model configuration, on shared candidates;
 *     for the first model configuration the first is the configured one
 * @param holdoutDays temporal validation: the last this many days of the data given are the validation part
 * @param ratio stratified validation: share of each user's events kept for fitting
 * @param metric what is maximised on the validation part, {@code metric@k} of slice {@code all} (e.g. ndcg@10)
 * @param minImprovementSe the best trial replaces the configured parameters only when its per-user paired gain
 *     over them exceeds this many standard errors (default 2: the best of T trials gains about √(2 ln T) SE over
 *     trial 0 on noise alone; 0 = always take the best), so a weekly re-tune does not swap parameters on
 *     validation noise
 * @param space the search space
 */
public record TuneSettings(
    String use, int everyDays, int budgetSeconds, long seed, int modelTrials, int listTrials, int holdoutDays, double ratio,
    String metric, double minImprovementSe, TuneSpace space) {
  public static final List<String> USES = List.of("latest", "off");
  public static final String DEFAULT_USE = "latest";
  public static final int DEFAULT_EVERY_DAYS = 7;
  public static final int DEFAULT_BUDGET_SECONDS = 900;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_MODEL_TRIALS = 3;
  public static final int DEFAULT_LIST_TRIALS = 8;
  public static final int DEFAULT_HOLDOUT_DAYS = 3;
  public static final double DEFAULT_RATIO = 0.8;
  public static final String DEFAULT_METRIC = "ndcg@10";
  public static final double DEFAULT_MIN_IMPROVEMENT_SE = 2.0;
  /** The ranking metrics tuning can maximise. */
  public static final List<String> METRICS = List.of("precision", "recall", "ndcg", "map", "hit_rate", "mrr");

  public TuneSettings {
    checkMetric(metric);
  }

  /** {@code metric} when it is {@code metric@k} of {@link #METRICS}; fails naming {@code nightjar.tune.metric} otherwise. */
  public static String checkMetric(String metric) {
    if (!metric.matches("(" + String.join("|", METRICS) + ")@[1-9][0-9]*")) {
      throw new ConfigException("nightjar.tune.metric = '" + metric
          + "' is not allowed: expected metric@k with metric one of " + String.join(", ", METRICS) + " (e.g. ndcg@10)");
    }
    return metric;
  }

  /** The metric's name, e.g. {@code ndcg}. */
  public String metricName() {
    return metric.substring(0, metric.indexOf('@'));
  }

  /** The metric's cut-off, e.g. 10. */
  public int metricK() {
    return Integer.parseInt(metric.substring(metric.indexOf('@') + 1));
  }
}

package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.RecommendSettings;
import dev.nightjar.jobs.config.TuneSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.candidates.CandidatePool;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.eval.EvalColumns;
import dev.nightjar.transforms.eval.PairedGain;
import dev.nightjar.transforms.eval.RankingMetrics;
import dev.nightjar.transforms.eval.SplitProtocol;
import java.sql.Date;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic tuning: carves a validation part out of the events it is given (the last
 * {@code nightjar.tune.holdoutDays} days, or per user a {@code 1 − nightjar.tune.ratio} share), fits the models
 * on the rest in a scratch lakehouse ({@code experiments/tune-<scope>/}), and runs the seeded random search of
 * {@link TuneSearch}: for each model configuration (ALS rank, regParam, alpha, maxIter; EASE λ) one retrain and
 * one candidate build, then every list setting (blend weights, MMR λ) assembled from those shared candidates
 * and scored on the validation part with {@code nightjar.tune.metric}. No new model configuration starts after
 * {@code nightjar.tune.budgetSeconds}. The best trial is chosen when its per-user paired gain over the
 * configured parameters (trial 0) exceeds {@code nightjar.tune.minImprovementSe} standard errors; otherwise the
 * configured parameters are kept (the gain is validation noise). Every trial is written to {@code model_params}
 * (partition {@code run_date}; a rerun replaces that date's rows of its scope), the choice flagged {@code chosen}.
 *
 * <p>The events given are all it sees: a production night gives every clean event up to D (scope
 * {@value #SCOPE_NIGHTLY}; later nights overlay the chosen parameters, {@link TunedParams}); {@code evaluate}
 * gives only its training part (scope {@code evaluate-<split>}), so test numbers are never tuned on the test part.
 *
 * <pre>{@code
 * TuneStage.Result r = TuneStage.tune(ctx, trainEvents, trainEnd, SplitProtocol.temporal(3), "evaluate-temporal", date);
 * r.chosen();        // {nightjar.als.rank=64, nightjar.recommend.weight.ease=2.0, …}
 * r.bestSoFar();     // the validation curve
 * }</pre>
 */
public final class TuneStage {
  private static final Logger LOG = LoggerFactory.getLogger(TuneStage.class);
  public static final String NAME = "tune";
  /** Scope of production tuning, the only scope nights read. */
  public static final String SCOPE_NIGHTLY = "nightly";
  public static final String WORKSPACE_PREFIX = "tune-";
  public static final String STATUS_SKIPPED = "skipped";

  public static final String SCOPE = "scope";
  public static final String VALIDATION = "validation";
  public static final String TRIAL = "trial";
  public static final String MODEL_TRIAL = "model_trial";
  public static final String PARAMS = "params";
  public static final String METRIC = "metric";
  public static final String VALUE = "value";
  public static final String METRICS = "metrics";
  public static final String BEST_SO_FAR = "best_so_far";
  public static final String ELAPSED_S = "elapsed_s";
  public static final String CHOSEN = "chosen";
  public static final String SEED = "seed";
  public static final String FIT_END = "fit_end";
  public static final String VALIDATION_USERS = "validation_users";

  /** {@code model_params}: one row per trial. */
  public static final StructType SCHEMA = new StructType()
      .add(Columns.RUN_DATE, DataTypes.DateType, false)
      .add(SCOPE, DataTypes.StringType, false)
      .add(VALIDATION, DataTypes.StringType, false)
      .add(TRIAL, DataTypes.IntegerType, false)
      .add(MODEL_TRIAL, DataTypes.IntegerType, false)
      .add(PARAMS, DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), false)
      .add(METRIC, DataTypes.StringType, false)
      .add(VALUE, DataTypes.DoubleType, false)
      .add(METRICS, DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType), false)
      .add(BEST_SO_FAR, DataTypes.DoubleType, false)
      .add(ELAPSED_S, DataTypes.DoubleType, false)
      .add(CHOSEN, DataTypes.BooleanType, false)
      .add(SEED, DataTypes.LongType, false)
      .add(FIT_END, DataTypes.DateType, false)
      .add(VALIDATION_USERS, DataTypes.LongType, false);

  private TuneStage() {}

  /** One scored trial. */
  public record Trial(int index, int modelTrial, Map<String, String> params, double value, Map<String, Double> metrics,
      double elapsedSeconds) {}

  /**
   * What one tuning did.
   *
   * @param given the events it was given (all it read)
   * @param fit the part the models were fitted on; {@code validation} the part they were scored on (both inside {@code given})
   * @param chosen the chosen trial's parameters (all tuned keys)
   */
  public record Result(String scope, String metric, List<Trial> trials, Trial chosenTrial, Map<String, String> chosen,
      Dataset<Row> given, Dataset<Row> fit, Dataset<Row> validation, LocalDate fitEnd, long validationUsers, RunReport report) {
    /** The validation curve: the best value after each trial. */
    public List<Double> bestSoFar() {
      List<Double> curve = new ArrayList<>();
      double best = Double.NEGATIVE_INFINITY;
      for (Trial t : trials) {
        best = Math.max(best, t.value());
        curve.add(best);
      }
      return curve;
    }
  }

  /**
   * The stage as the nightly DAG runs it: tunes on every clean event up to D when the last nightly tuning is
   * {@code nightjar.tune.everyDays} days or more before D (or there is none), else skips (status
   * {@value #STATUS_SKIPPED}, saying when it is due).
   */
  public static RunReport run(StageContext ctx, LocalDate date) {
    return run(ctx, date, false);
  }

  /** {@link #run(StageContext, LocalDate)}; {@code force} tunes even when not due. */
  public static RunReport run(StageContext ctx, LocalDate date, boolean force) {
    ctx = ctx.asConfigured(); // trial 0 is the configuration as given, not the parameters an earlier tuning chose
    Lakehouse lake = ctx.lake();
    TuneSettings t = ctx.config().tune();
    Optional<LocalDate> last = lastTuned(lake, date);
    if (!force && last.isPresent() && ChronoUnit.DAYS.between(last.get(), date) < t.everyDays()) {
      LocalDate due = last.get().plusDays(t.everyDays());
      LOG.info("Tune {}: last tuned on {}; next due on {} (nightjar.tune.everyDays={}); skipped (use --force to tune now)",
          date, last.get(), due, t.everyDays());
      return RunReport.of(NAME, date).status(STATUS_SKIPPED).detail("last_tuned", last.get()).detail("next_due", due).write(lake);
    }
    long v = lake.version(Tables.EVENTS);
    Dataset<Row> events = lake.readAt(Tables.EVENTS, v)
        .where(col(Columns.EVENT_DATE).leq(lit(Date.valueOf(date))).and(col(Columns.ITEM_ID).isNotNull()));
    Result r = tune(ctx, events, date, SplitProtocol.temporal(t.holdoutDays()), SCOPE_NIGHTLY, date);
    r.report().inputVersion(Tables.EVENTS, v);
    return r.report().write(lake);
  }

  /** The run date of the latest nightly tuning on or before {@code date}. */
  static Optional<LocalDate> lastTuned(Lakehouse lake, LocalDate date) {
    if (!lake.exists(Tables.MODEL_PARAMS)) {
      return Optional.empty();
    }
    Row r = lake.read(Tables.MODEL_PARAMS).where(col(SCOPE).equalTo(SCOPE_NIGHTLY).and(col(Columns.RUN_DATE).leq(lit(Date.valueOf(date)))))
        .agg(max(Columns.RUN_DATE)).head();
    return r.isNullAt(0) ? Optional.empty() : Optional.of(r.getDate(0).toLocalDate());
  }

  /**
   * Tunes on {@code events} only (see the class comment) and writes {@code model_params} rows of
   * ({@code runDate}, {@code scope}). The returned report is not written yet.
   *
   * @param end the last day of {@code events}
   */
  public static Result tune(StageContext ctx, Dataset<Row> events, LocalDate end, SplitProtocol validation, String scope, LocalDate runDate) {
    try (JobGroup group = JobGroup.open(ctx.spark(), NAME, "nightjar tune " + scope + " " + runDate);
        OfflineWorkspace w = OfflineWorkspace.split(ctx, events, validation, end)) {
      return tune(ctx, events, w, scope, runDate);
    }
  }

  private static Result tune(StageContext ctx, Dataset<Row> events, OfflineWorkspace w, String scope, LocalDate runDate) {
    long start = System.nanoTime();
    NightjarConfig config = ctx.config();
    TuneSettings t = config.tune();
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, runDate);
    SplitProtocol validation = w.protocol();
    LocalDate fitEnd = w.trainEnd();
    Dataset<Row> truth = w.truth();
    Dataset<Row> users = w.users();
    long fitRows = w.trainRows();
    long validationUsers = w.userCount();
    LOG.info("Tune {} ({}): validation {} → fitting on {} events up to {}, scoring {} users with {}; budget {} s, seed {}",
        runDate, scope, validation.describe(), fitRows, fitEnd, validationUsers, t.metric(), t.budgetSeconds(), t.seed());
    if (validationUsers == 0) {
      throw new IllegalStateException("tune " + runDate + " (" + scope + "): no user has a relevant event in the validation part ("
          + validation.describe() + "); give more history or a longer nightjar.tune.holdoutDays");
    }
    Lakehouse work = w.prepare(ctx, WORKSPACE_PREFIX + scope, List.of(Stages.INTERACTIONS, Stages.PROFILES_FOR_SCORING), Optional.empty());

    TuneSearch.Plan plan = TuneSearch.plan(config);
    int k = t.metricK();
    Set<String> sources = new TreeSet<>();
    for (Map<String, String> l : plan.lists()) {
      l.forEach((key, v) -> {
        if (key.startsWith(TunedParams.WEIGHT_PREFIX) && Double.parseDouble(v) > 0) {
          sources.add(key.substring(TunedParams.WEIGHT_PREFIX.length()));
        }
      });
    }
    LOG.info("Tune {}: {} model configurations × {} list settings; sources {}", runDate, plan.models().size(), plan.lists().size(), sources);
    List<Trial> trials = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    Dataset<Row> configuredPerUser = null;
    Dataset<Row> bestPerUser = null;
    int m = 0;
    for (Map<String, String> model : plan.models()) {
      double elapsed = (System.nanoTime() - start) / 1e9;
      if (m > 0 && elapsed > t.budgetSeconds()) {
        LOG.warn("Tune {}: budget of {} s spent after {} of {} model configurations ({} s); the rest are not tried",
            runDate, t.budgetSeconds(), m, plan.models().size(), String.format(Locale.ROOT, "%.0f", elapsed));
        report.detail("budget_cut_after_models", m);
        break;
      }
      NightjarConfig modelConfig = TunedParams.overlay(config, model);
      StageContext trialCtx = new StageContext(ctx.spark(), work, modelConfig);
      JobGroup trialGroup = JobGroup.open(ctx.spark(), NAME + "/trial", "nightjar tune " + scope + " " + runDate + ": model configuration " + m);
      Stages.TRAIN.run(trialCtx, fitEnd);
      int n = Math.max(config.recommend().candidatesPerSource(), k);
      try (CandidatePool candidates =
          RecommendStage.candidates(trialCtx, fitEnd, n, sources, true, false, RunReport.of(NAME, fitEnd))) {
        // Every list setting of this model configuration scored in one pass (a variant per setting): on small data the
        // Spark stages, not the rows, are the cost, so a batch costs about what one setting alone did.
        List<Map<String, String>> settings = new ArrayList<>();
        Dataset<Row> batch = null;
        for (Map<String, String> list : plan.lists()) {
          Map<String, String> params = new TreeMap<>(model);
          params.putAll(list);
          RecommendSettings s = listSettings(TunedParams.overlay(config, params).recommend(), k);
          Dataset<Row> lists = candidates.listsAsServed(RecommendStage.listParams(s), users)
              .withColumn(EvalColumns.VARIANT, lit(Integer.toString(settings.size())));
          batch = batch == null ? lists : batch.unionByName(lists);
          settings.add(params);
        }
        Dataset<Row> cached = batch.persist(StorageLevel.MEMORY_AND_DISK());
        cached.count();
        Dataset<Row> perUser = RankingMetrics.perUserBySlice(EvaluateStage.oneLeaf(cached), truth, new int[] {k})
            .persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Map<String, Double>> metricsBySetting = new TreeMap<>();
        for (Row r : RankingMetrics.aggregate(perUser, new int[] {k}).collectAsList()) {
          Object v = r.getAs(EvalColumns.VALUE);
          metricsBySetting.computeIfAbsent(r.getAs(EvalColumns.VARIANT), x -> new TreeMap<>())
              .put(r.<String>getAs(EvalColumns.METRIC) + "@" + k, v == null ? 0.0 : ((Number) v).doubleValue());
        }
        double at = (System.nanoTime() - start) / 1e9;
        for (int l = 0; l < settings.size(); l++) {
          Map<String, Double> metrics = metricsBySetting.getOrDefault(Integer.toString(l), Map.of());
          double value = metrics.getOrDefault(t.metric(), 0.0);
          // Per-user values of the configured trial and of the best so far stay cached (one row per validation
          // user each) for the paired noise check of the final choice; the others are dropped.
          Dataset<Row> values = perUser.where(col(EvalColumns.VARIANT).equalTo(Integer.toString(l)))
              .select(col(Columns.USER_ID), coalesce(col(t.metricName()), lit(0.0)).cast("double").as(VALUE));
          if (trials.isEmpty() || value > best) {
            values = values.persist(StorageLevel.MEMORY_AND_DISK());
            values.count();
            if (bestPerUser != null && bestPerUser != configuredPerUser) {
              bestPerUser.unpersist();
            }
            if (trials.isEmpty()) {
              configuredPerUser = values;
            }
            bestPerUser = values;
          }
          best = Math.max(best, value);
          Trial trial = new Trial(trials.size(), m, settings.get(l), value, metrics, at);
          trials.add(trial);
          LOG.info("Tune {}: trial {} (model {}, list {}): {} = {} (best so far {}) at {} s; {}", runDate, trial.index(), m, l,
              t.metric(), fmt(value), fmt(best), String.format(Locale.ROOT, "%.0f", at), settings.get(l));
        }
        perUser.unpersist();
        cached.unpersist();
      }
      trialGroup.close(); // on a failure, the group of the whole tuning restores the caller's
      m++;
    }
    Trial bestTrial = trials.get(0);
    for (Trial trial : trials) {
      if (trial.value() > bestTrial.value()) {
        bestTrial = trial;
      }
    }
    PairedGain gain = PairedGain.of(bestPerUser, configuredPerUser);
    if (bestPerUser != configuredPerUser) {
      bestPerUser.unpersist();
    }
    configuredPerUser.unpersist();
    boolean significant = bestTrial.index() != 0 && gain.mean() > t.minImprovementSe() * gain.standardError();
    Trial chosen = significant || t.minImprovementSe() == 0 ? bestTrial : trials.get(0);
    String decision = bestTrial.index() == 0 ? "the configured parameters are the best trial"
        : chosen == bestTrial ? "trial " + bestTrial.index() + " beats the configured parameters by " + fmt(gain.mean()) + " ± "
            + fmt(gain.standardError()) + " (paired SE over " + gain.users() + " users)"
        : "the best trial " + bestTrial.index() + " beats the configured parameters by only " + fmt(gain.mean()) + " ± "
            + fmt(gain.standardError()) + " (paired SE over " + gain.users() + " users; needs > " + t.minImprovementSe()
            + " SE, nightjar.tune.minImprovementSe): within validation noise, the configured parameters are kept";
    LOG.info("Tune {} ({}): {}", runDate, scope, decision);
    writeTrials(lake, runDate, scope, validation, t, fitEnd, validationUsers, trials, chosen);
    Result result = new Result(scope, t.metric(), List.copyOf(trials), chosen, chosen.params(), events, w.train(), w.heldOut(),
        fitEnd, validationUsers, report);
    List<String> curve = result.bestSoFar().stream().map(TuneStage::fmt).toList();
    LOG.info("Tune {} ({}): chose trial {} with {} = {} (configured: {}); validation curve {}; {}", runDate, scope, chosen.index(),
        t.metric(), fmt(chosen.value()), fmt(trials.get(0).value()), curve, chosen.params());
    report.rowsIn(fitRows).accepted(trials.size())
        .detail(SCOPE, scope).detail(VALIDATION, validation.describe()).detail(FIT_END, fitEnd).detail(VALIDATION_USERS, validationUsers)
        .detail("trials", trials.size()).detail("chosen_trial", chosen.index())
        .detail("chosen_" + t.metric(), fmt(chosen.value())).detail("configured_" + t.metric(), fmt(trials.get(0).value()))
        .detail("best_trial", bestTrial.index()).detail("best_gain", fmt(gain.mean())).detail("best_gain_se", fmt(gain.standardError()))
        .detail("decision", decision)
        .detail("chosen_params", chosen.params()).detail("validation_curve", String.join(",", curve));
    return result;
  }

  /** List settings of a trial: k = the metric's cut-off, no exploration (accuracy is what is tuned). */
  static RecommendSettings listSettings(RecommendSettings base, int k) {
    return base.withK(k, List.of()).withCandidatesPerSource(Math.max(base.candidatesPerSource(), k));
  }

  private static void writeTrials(Lakehouse lake, LocalDate runDate, String scope, SplitProtocol validation, TuneSettings t,
      LocalDate fitEnd, long validationUsers, List<Trial> trials, Trial chosen) {
    List<Row> rows = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (Trial trial : trials) {
      best = Math.max(best, trial.value());
      rows.add(RowFactory.create(Date.valueOf(runDate), scope, validation.describe(), trial.index(), trial.modelTrial(),
          scala(trial.params()), t.metric(), trial.value(), scala(trial.metrics()), best, trial.elapsedSeconds(),
          trial.index() == chosen.index(), t.seed(), Date.valueOf(fitEnd), validationUsers));
    }
    lake.replaceWhere(Tables.MODEL_PARAMS, lake.spark().createDataFrame(rows, SCHEMA).coalesce(1),
        "run_date = DATE'" + runDate + "' AND scope = '" + scope + "'", Columns.RUN_DATE);
  }

  private static <V> scala.collection.immutable.Map<String, V> scala(Map<String, V> map) {
    return scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(new LinkedHashMap<>(map)));
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}

package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.EvaluateSettings;
import dev.nightjar.jobs.config.RecommendSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.candidates.CandidatePool;
import dev.nightjar.models.candidates.Source;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.Ingest;
import dev.nightjar.transforms.eval.Baselines;
import dev.nightjar.transforms.eval.BeyondAccuracy;
import dev.nightjar.transforms.eval.EvalColumns;
import dev.nightjar.transforms.eval.RankingMetrics;
import dev.nightjar.transforms.eval.SplitProtocol;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline evaluation of night D: split the clean events up to D into a training part and a test
 * part, rebuild the models on the training part only (in a scratch lakehouse under
 * {@code experiments/evaluate-<split>/}, so nothing the nightly run wrote is touched), score every
 * configured variant's lists against what users went on to do, and write the {@code metrics} table
 * (partition {@code run_date = D}, one row per split, variant, slice, metric and k).
 *
 * <p>Variants: {@code popular} (most users in training, each user's seen items removed);
 * {@code item_knn} (co-occurrence cosine over the training interactions); {@code als},
 * {@code content}, {@code ease}, {@code cooccurrence} (the recommend stage with only that source weighted);
 * {@code tuned} (the blend with the parameters {@link TuneStage} chose on a validation part carved out of the
 * training part only, retrained on the whole training part); {@code als_spark_default} (ALS alone with Spark's
 * default settings: rank 10, regParam 0.1, alpha 1.0, maxIter 10); {@code blend} (the recommend
 * stage as configured, exploration off); {@code blend_explore_E} (the same with E exploration slots
 * spread over ranks 1..frontierK: the explore/exploit frontier). Every variant is scored on the same
 * users — those with at least one relevant test item — and an item the user had in training is
 * never a hit, so every variant is asked for lists without the user's training items (the nightly
 * lists may bring back a viewed, unbought item).
 *
 * <pre>{@code
 * Evaluation result = EvaluateStage.evaluate(ctx, LocalDate.parse("2026-10-31"), Map.of());
 * result.rows(); // one row per split, variant, slice, metric and k, as written to metrics
 * }</pre>
 */
public final class EvaluateStage {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateStage.class);
  public static final String NAME = "evaluate";
  public static final String SPLIT = "split";
  public static final String VARIANT = "variant";
  /** Scratch lakehouses of evaluation runs: {@code <lakehouse>/experiments/evaluate-<split>[-<experiment>]}. */
  public static final String WORKSPACE_PREFIX = "evaluate-";
  /** Variants that need no model of ours (only the training events and interactions). */
  public static final List<String> BASELINES = List.of(Baselines.POPULAR, Baselines.ITEM_KNN);

  public static final StructType METRICS_SCHEMA = new StructType()
      .add(Columns.RUN_DATE, DataTypes.DateType)
      .add(SPLIT, DataTypes.StringType)
      .add(VARIANT, DataTypes.StringType)
      .add(EvalColumns.SLICE, DataTypes.StringType)
      .add(EvalColumns.METRIC, DataTypes.StringType)
      .add(EvalColumns.K, DataTypes.IntegerType)
      .add(EvalColumns.VALUE, DataTypes.DoubleType);

  private EvaluateStage() {}

  /** What one evaluation produced: the metric rows (also written to {@code metrics}) and its run report. */
  public record Evaluation(List<Row> rows, RunReport report, java.util.Optional<TuneStage.Result> tuning) {
    public Evaluation(List<Row> rows, RunReport report) {
      this(rows, report, java.util.Optional.empty());
    }
  }

  /** Variants scored on models of their own (retrained in a workspace of their own), not on the shared candidates. */
  public static final String TUNED = "tuned";
  public static final String ALS_SPARK_DEFAULT = "als_spark_default";
  /** The exploration variants' prefix: {@code blend_explore_<E>}. */
  public static final String EXPLORE_PREFIX = "blend_explore_";

  /** Spark MLlib's ALS defaults (rank 10, regParam 0.1, alpha 1.0, maxIter 10), with this config's seed and blocks. */
  public static dev.nightjar.models.cf.AlsParams sparkDefaultAls(dev.nightjar.models.cf.AlsParams base) {
    return new dev.nightjar.models.cf.AlsParams(10, 0.1, 1.0, 10, base.seed(), base.numBlocks());
  }

  /**
   * What {@code bin/nightjar evaluate} runs: D defaults to the last event date in the lakehouse, and
   * right after an import (no clean events or item vectors yet) {@code ingest} and {@code embed-items}
   * run for D first.
   */
  public static Evaluation evaluateLakehouse(StageContext ctx, java.util.Optional<LocalDate> date, Map<String, NightjarConfig> experiments) {
    Lakehouse lake = ctx.lake();
    LocalDate d = date.orElseGet(() -> lastEventDate(lake));
    if (!lake.exists(Tables.EVENTS)) {
      LOG.info("No clean events yet: running ingest for {} first", d);
      Stages.INGEST.run(ctx, d);
    }
    if (!lake.exists(Tables.ITEM_EMBEDDINGS)) {
      LOG.info("No item embeddings yet: running embed-items for {} first", d);
      Stages.EMBED_ITEMS.run(ctx, d);
    }
    return evaluate(ctx, d, experiments);
  }

  /** The last event date: of clean events when ingested, else of the raw events. */
  static LocalDate lastEventDate(Lakehouse lake) {
    Row last;
    if (lake.exists(Tables.EVENTS)) {
      last = lake.read(Tables.EVENTS).agg(max(Columns.EVENT_DATE)).head();
    } else if (lake.exists(Tables.RAW_EVENTS)) {
      last = lake.read(Tables.RAW_EVENTS).agg(max(Ingest.parseTimestamp(col(Columns.TS)).cast(DataTypes.DateType))).head();
    } else {
      throw new IllegalStateException("no events under " + lake.root() + ": import some first (`bin/nightjar import --help`)");
    }
    if (last.isNullAt(0)) {
      throw new IllegalStateException("the events under " + lake.root() + " have no valid timestamp; give --date");
    }
    return last.getDate(0).toLocalDate();
  }

  /** The stage as the pipeline runs it: every configured variant, written to {@code metrics}. */
  public static RunReport run(StageContext ctx, LocalDate date) {
    return evaluate(ctx, date, Map.of()).report();
  }

  /**
   * Evaluates D's configured variants and, for each named experiment, the {@code blend} of that
   * experiment's configuration (variant name = experiment name), all on the same split.
   *
   * @param experiments experiment name → its configuration (from {@code experiments/<name>/experiment.properties})
   */
  public static Evaluation evaluate(StageContext ctx, LocalDate date, Map<String, NightjarConfig> experiments) {
    ctx = ctx.asConfigured(); // evaluation scores the configuration as given; its `tuned` variant tunes for itself
    try (JobGroup group = JobGroup.open(ctx.spark(), NAME, "nightjar evaluate " + date)) {
      return evaluateConfigured(ctx, date, experiments);
    }
  }

  private static Evaluation evaluateConfigured(StageContext ctx, LocalDate date, Map<String, NightjarConfig> experiments) {
    Lakehouse lake = ctx.lake();
    EvaluateSettings s = ctx.config().evaluate();
    RunReport report = RunReport.of(NAME, date);
    long eventsVersion = lake.version(Tables.EVENTS);
    report.inputVersion(Tables.EVENTS, eventsVersion);
    Dataset<Row> events = lake.readAt(Tables.EVENTS, eventsVersion)
        .where(col(Columns.EVENT_DATE).leq(lit(Date.valueOf(date))).and(col(Columns.ITEM_ID).isNotNull()));

    SplitProtocol protocol = protocol(s);
    List<Row> rows = new ArrayList<>();
    java.util.Optional<TuneStage.Result> tuning = java.util.Optional.empty();
    try (OfflineWorkspace w = OfflineWorkspace.split(ctx, events, protocol, date)) {
      long trainRows = w.trainRows();
      long users = w.userCount();
      LOG.info("Evaluate {}: split {} → {} training events, {} users with relevant test items; training models up to {}",
          date, protocol.name(), trainRows, users, w.trainEnd());
      report.rowsIn(trainRows).detail("train_events", trainRows).detail("evaluated_users", users).detail(SPLIT, protocol.name());

      int[] ks = s.ks().stream().mapToInt(Integer::intValue).toArray();
      Scorer scorer = new Scorer(ctx, w.sliced(), w.users(), w.train(), ks);
      List<String> sharedVariants = s.variants().stream().filter(v -> !v.equals(TUNED) && !v.equals(ALS_SPARK_DEFAULT)).toList();
      if (users == 0) {
        LOG.warn("Evaluate {}: no user has a relevant test item under split {}; nothing to score", date, protocol.name());
        report.status(RunReport.STATUS_NO_DATA);
      } else {
        // Experiments that differ from this configuration only in list settings share its models and candidates.
        Map<String, NightjarConfig> all = new LinkedHashMap<>(experiments);
        if (s.variants().contains(ALS_SPARK_DEFAULT)) {
          Map<String, Double> alsOnly = new LinkedHashMap<>(ctx.config().recommend().weights());
          alsOnly.replaceAll((source, weight) -> source.equals(Source.ALS.id()) ? 1.0 : 0.0);
          all.put(ALS_SPARK_DEFAULT,
              ctx.config().withAls(sparkDefaultAls(ctx.config().als())).withRecommend(ctx.config().recommend().withWeights(alsOnly)));
        }
        if (s.variants().contains(TUNED)) {
          // Tuned on the training part only: the test part is never given to tune.
          SplitProtocol validation = protocol.name().equals(SplitProtocol.TEMPORAL)
              ? SplitProtocol.temporal(ctx.config().tune().holdoutDays())
              : SplitProtocol.stratified(ctx.config().tune().ratio(), ctx.config().tune().seed());
          TuneStage.Result tuned = TuneStage.tune(ctx, w.train(), w.trainEnd(), validation, WORKSPACE_PREFIX + protocol.name(), date);
          tuning = java.util.Optional.of(tuned);
          all.put(TUNED, TunedParams.overlay(ctx.config(), tuned.chosen()));
          report.detail(TunedParams.RECORDED_PARAMS, TunedParams.recorded(tuned.chosen())).detail("tuned_validation_curve", tuned.report().details().get("validation_curve"));
        }
        Map<String, NightjarConfig> sharing = new LinkedHashMap<>();
        Map<String, NightjarConfig> retraining = new LinkedHashMap<>();
        StageContext configured = ctx;
        all.forEach((name, config) -> (sameModels(config, configured.config()) ? sharing : retraining).put(name, config));
        rows.addAll(scoreWorkspace(ctx, w, WORKSPACE_PREFIX + protocol.name(), sharedVariants, sharing, scorer, date));
        if (sharedVariants.stream().anyMatch(v -> v.startsWith(EXPLORE_PREFIX))) {
          reportExploration(lake.workspace(WORKSPACE_PREFIX + protocol.name()), w.trainEnd(), date, report);
        }
        for (Map.Entry<String, NightjarConfig> e : retraining.entrySet()) {
          StageContext experimentCtx = new StageContext(ctx.spark(), lake, e.getValue());
          rows.addAll(scoreWorkspace(experimentCtx, w, WORKSPACE_PREFIX + protocol.name() + "-" + e.getKey(), List.of(),
              Map.of(e.getKey(), e.getValue()), scorer, date));
        }
      }
    }
    Dataset<Row> metrics = ctx.spark().createDataFrame(rows, METRICS_SCHEMA);
    lake.replaceWhere(Tables.METRICS, metrics,
        "run_date = DATE'" + date + "' AND split = '" + protocol.name() + "'", Columns.RUN_DATE);
    report.accepted(rows.size()).detail("metric_rows", rows.size());
    return new Evaluation(rows, report.write(lake), tuning);
  }

  /**
   * Says in the report ({@value ProfilesStage#EXPLORATION_POSSIBLE}, printed by {@code bin/nightjar evaluate}) and the
   * log whether the exploration variants could explore: without an interest category in the training part (items
   * without categories, e.g. Online Retail) every {@code blend_explore_E} equals {@code blend}, never silently.
   */
  private static void reportExploration(Lakehouse work, LocalDate trainEnd, LocalDate date, RunReport report) {
    boolean possible = !work.read(Tables.CATEGORY_PRIORS).where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(trainEnd)))).isEmpty();
    report.detail(ProfilesStage.EXPLORATION_POSSIBLE, possible);
    if (!possible) {
      LOG.warn("Evaluate {}: no interest category in the training part (no item with a category has an event): the "
          + "blend_explore_* variants cannot explore and equal blend; give items a category", date);
    }
  }

  /**
   * The rows of {@code cached} (persisted and materialised) through a plan of one leaf. Metric queries refer to the
   * lists several times, and Spark's analyser walks the whole lineage at every reference (every variant's
   * candidates, blend and assembly): minutes per query for ten variants, although the rows come from the cache
   * either way. Unpersisting {@code cached} is the caller's.
   */
  static Dataset<Row> oneLeaf(Dataset<Row> cached) {
    return cached.sparkSession().createDataFrame(cached.javaRDD(), cached.schema());
  }

  /** The split protocol of {@code nightjar.evaluate.*}. */
  static SplitProtocol protocol(EvaluateSettings s) {
    return new SplitProtocol(s.split(), s.holdoutDays(), s.ratio(), s.seed(), s.lastN());
  }

  /** True when two configurations train the same models (they may differ in list settings, evaluation, publication). */
  static boolean sameModels(NightjarConfig a, NightjarConfig b) {
    return OfflineWorkspace.trainedSettings(a).equals(OfflineWorkspace.trainedSettings(b)) && a.ease().equals(b.ease()) && a.cooccurrence().equals(b.cooccurrence());
  }

  /**
   * Trains in {@code workspace} on the training part (unless it holds models trained on the same inputs: an
   * evaluation rerun for the same night reuses them), builds the candidates of every source any of the variants and
   * experiments weights (once), and scores each variant and experiment's lists.
   */
  private static List<Row> scoreWorkspace(StageContext ctx, OfflineWorkspace plan, String workspace, List<String> variants,
      Map<String, NightjarConfig> experiments, Scorer scorer, LocalDate date) {
    boolean modelsNeeded = !experiments.isEmpty() || variants.stream().anyMatch(v -> !BASELINES.contains(v));
    List<Stage> stages = modelsNeeded ? List.of(Stages.INTERACTIONS, Stages.PROFILES_FOR_SCORING, Stages.TRAIN) : List.of(Stages.INTERACTIONS);
    Lakehouse work = plan.prepare(ctx, workspace, stages,
        java.util.Optional.of(OfflineWorkspace.fingerprint(ctx, plan.protocol(), date, modelsNeeded)));
    StageContext workCtx = new StageContext(ctx.spark(), work, ctx.config());
    EvaluateSettings s = ctx.config().evaluate();
    int k = s.maxK();
    Map<String, Dataset<Row>> scored = new LinkedHashMap<>();
    Map<String, RecommendSettings> lists = new LinkedHashMap<>();
    for (String variant : variants) {
      switch (variant) {
        case Baselines.POPULAR -> scored.put(variant, Baselines.popular(work.read(Tables.EVENTS), work.read(Tables.ITEMS), k));
        case Baselines.ITEM_KNN -> scored.put(variant,
            Baselines.itemKnn(work.read(Tables.INTERACTIONS).where(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(plan.trainEnd())))), k));
        default -> lists.put(variant, settingsFor(variant, ctx.config().recommend(), s));
      }
    }
    experiments.forEach((name, config) -> lists.put(name, settingsFor("blend", config.recommend(), s)));
    if (lists.isEmpty()) {
      return scorer.score(scored, date, plan.name());
    }
    java.util.Set<String> sources = new java.util.TreeSet<>(List.of(Source.ALS.id(), Source.CONTENT.id()));
    lists.values().forEach(settings -> settings.weights().forEach((source, w) -> {
      if (w > 0) {
        sources.add(source);
      }
    }));
    int n = Math.max(ctx.config().recommend().candidatesPerSource(), k);
    try (CandidatePool candidates =
        RecommendStage.candidates(workCtx, plan.trainEnd(), n, sources, true,
            lists.values().stream().anyMatch(settings -> !settings.exploreRanks().isEmpty()), RunReport.of(NAME, plan.trainEnd()))) {
      lists.forEach((name, settings) ->
          scored.put(name, candidates.listsAsServed(RecommendStage.listParams(settings), scorer.evaluatedUsers())));
      return scorer.score(scored, date, plan.name()); // while the pool is open: the lists are computed from it
    }
  }

  /**
   * The list settings of a variant: k = the largest cut-off; als/content/ease/cooccurrence weight one source;
   * blend_explore_E adds E slots.
   */
  static RecommendSettings settingsFor(String variant, RecommendSettings base, EvaluateSettings s) {
    int k = s.maxK();
    Map<String, Double> weights = new LinkedHashMap<>(base.weights());
    List<Integer> exploreRanks = List.of();
    if (Source.isSource(variant)) {
      weights.replaceAll((source, w) -> source.equals(variant) ? 1.0 : 0.0);
    } else if (variant.startsWith(EXPLORE_PREFIX)) {
      exploreRanks = exploreRanks(Integer.parseInt(variant.substring(EXPLORE_PREFIX.length())), Math.min(s.frontierK(), k));
    } else if (!variant.equals("blend")) {
      throw new IllegalArgumentException("variant '" + variant + "' has no list settings of its own");
    }
    return base.withWeights(weights).withK(k, exploreRanks).withCandidatesPerSource(Math.max(base.candidatesPerSource(), k));
  }

  /**
   * E exploration ranks spread evenly over 1..n, the last at n: {@code round(i·n/E)} for i = 1..E
   * (E = 1 → [n]; E = 2, n = 10 → [5, 10]; E ≥ n → every rank).
   */
  public static List<Integer> exploreRanks(int slots, int n) {
    List<Integer> ranks = new ArrayList<>();
    for (int i = 1; i <= Math.min(slots, n); i++) {
      int rank = Math.max(1, (int) Math.round((double) i * n / Math.min(slots, n)));
      if (!ranks.contains(rank)) {
        ranks.add(rank);
      }
    }
    return ranks;
  }

  /**
   * Scores lists against the sliced truth: ranking metrics per slice, beyond-accuracy metrics on slice {@code all}.
   * The lists of all the variants given are scored in one pass (a {@code variant} column through the metrics), which
   * costs about what one variant alone did: on small data the Spark stages, not the rows, are the cost.
   */
  private record Scorer(StageContext ctx, Dataset<Row> sliced, Dataset<Row> evaluatedUsers, Dataset<Row> train, int[] ks) {
    /** The metric rows of each variant's lists ({@code user_id, item_id, rank}), in the order given. */
    List<Row> score(Map<String, Dataset<Row>> listsByVariant, LocalDate date, String split) {
      String names = String.join(", ", listsByVariant.keySet());
      try (JobGroup step = JobGroup.open(ctx.spark(), NAME + "/score", "nightjar evaluate " + date + ": score " + names)) {
        long start = System.nanoTime();
        Dataset<Row> all = null;
        for (Map.Entry<String, Dataset<Row>> e : listsByVariant.entrySet()) {
          Dataset<Row> one = e.getValue().select(Columns.USER_ID, Columns.ITEM_ID, Columns.RANK).withColumn(EvalColumns.VARIANT, lit(e.getKey()));
          all = all == null ? one : all.unionByName(one);
        }
        Dataset<Row> cached = all.join(evaluatedUsers, Columns.USER_ID).persist(StorageLevel.MEMORY_AND_DISK());
        Map<String, Long> listed = new LinkedHashMap<>();
        cached.groupBy(EvalColumns.VARIANT).count().collectAsList().forEach(r -> listed.put(r.getString(0), r.getLong(1)));
        Dataset<Row> lists = oneLeaf(cached);
        LOG.info("Evaluate {}: lists of {} variant(s) ({}) for the evaluated users: {} rows in {} s", date, listsByVariant.size(), names,
            listed.values().stream().mapToLong(Long::longValue).sum(), String.format("%.1f", (System.nanoTime() - start) / 1e9));
        List<Row> rows = new ArrayList<>(scored(lists, date, split));
        for (String variant : listsByVariant.keySet()) {
          if (!listed.containsKey(variant)) { // no row to carry its name through the metrics: scored alone, as empty lists
            LOG.warn("Evaluate {}: variant {} has no list for any evaluated user", date, variant);
            rows.addAll(scored(lists.where(lit(false)).drop(EvalColumns.VARIANT), date, split)
                .stream().map(r -> withVariant(r, variant)).toList());
          }
        }
        cached.unpersist();
        Map<String, Integer> order = new LinkedHashMap<>();
        listsByVariant.keySet().forEach(v -> order.put(v, order.size()));
        rows.sort(Comparator.comparing((Row r) -> order.get(r.getString(2))).thenComparing(r -> r.getString(3))
            .thenComparing(r -> r.getString(4)).thenComparing(r -> r.getInt(5)));
        LOG.info("Evaluate {}: {} scored in {} s", date, names, String.format("%.1f", (System.nanoTime() - start) / 1e9));
        return rows;
      }
    }

    private static Row withVariant(Row r, String variant) {
      Object[] values = new Object[r.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.get(i);
      }
      values[2] = variant;
      return new GenericRowWithSchema(values, METRICS_SCHEMA);
    }

    /** Metric rows of {@code lists} (with a {@code variant} column, or without: then the variant is left null). */
    private List<Row> scored(Dataset<Row> lists, LocalDate date, String split) {
      Dataset<Row> vectors = ctx.lake().read(Tables.ITEM_EMBEDDINGS).select(col(Columns.ITEM_ID), col("vector").as(EvalColumns.VECTOR));
      Dataset<Row> ranking = RankingMetrics.computeBySlice(lists, sliced, ks);
      Dataset<Row> beyond = BeyondAccuracy.coverage(lists, ctx.lake().read(Tables.ITEMS), ks)
          .unionByName(BeyondAccuracy.novelty(lists, train, ks))
          .unionByName(BeyondAccuracy.intraListDiversity(lists, vectors, ks))
          .unionByName(BeyondAccuracy.personalisation(lists, ks))
          .withColumn(EvalColumns.SLICE, lit(EvalColumns.SLICE_ALL));
      List<Row> rows = new ArrayList<>();
      Date runDate = Date.valueOf(date);
      boolean byVariant = java.util.Arrays.asList(lists.columns()).contains(EvalColumns.VARIANT);
      for (Row r : ranking.unionByName(beyond).collectAsList()) {
        Object value = r.get(r.fieldIndex(EvalColumns.VALUE));
        rows.add(new GenericRowWithSchema(new Object[] {runDate, split, byVariant ? r.getString(r.fieldIndex(EvalColumns.VARIANT)) : null,
            r.getString(r.fieldIndex(EvalColumns.SLICE)), r.getString(r.fieldIndex(EvalColumns.METRIC)), r.getInt(r.fieldIndex(EvalColumns.K)),
            value == null ? null : ((Number) value).doubleValue()}, METRICS_SCHEMA));
      }
      return rows;
    }
  }
}

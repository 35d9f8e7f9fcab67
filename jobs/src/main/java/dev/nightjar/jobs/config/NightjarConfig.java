package dev.nightjar.jobs.config;

import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.models.coldstart.ProjectionParams;
import dev.nightjar.models.text.DeviceSelection;
import dev.nightjar.models.text.EmbeddingParams;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.EventTypes;
import dev.nightjar.transforms.IngestParams;
import dev.nightjar.transforms.ItemText;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.InterestParams;
import dev.nightjar.transforms.privacy.DpParams;
import dev.nightjar.transforms.privacy.KAnonymity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Nightjar's typed configuration: one record per stage, every default a named constant in that
 * record, unknown {@code nightjar.*} keys rejected. {@code spark.*} keys go to the SparkSession.
 *
 * <pre>{@code
 * NightjarConfig config = NightjarConfig.load(Path.of("conf/local.properties"), List.of("nightjar.recommend.k=20"));
 * config.als().rank();
 * }</pre>
 *
 * @param ingest ingest validation settings ({@code nightjar.ingest.*})
 * @param interactions weighting and decay ({@code nightjar.interactions.*})
 * @param als collaborative model ({@code nightjar.als.*})
 * @param recommend list settings ({@code nightjar.recommend.*})
 * @param embedding text encoder settings ({@code nightjar.embedding.*})
 * @param profiles profile settings ({@code nightjar.profiles.*})
 * @param coldStart the text → factor projection for new items ({@code nightjar.coldstart.*})
 * @param retention raw-data retention and VACUUM settings ({@code nightjar.privacy.*}; {@code retention}, {@code forget})
 * @param cooccurrence the co-occurrence item-item source ({@code nightjar.cooccurrence.*})
 * @param ease the EASE item-item source ({@code nightjar.ease.*})
 * @param evaluate offline evaluation ({@code nightjar.evaluate.*})
 * @param publish the publication gate ({@code nightjar.publish.*})
 * @param privacy pseudonym key file, differential privacy and k-anonymity ({@code nightjar.privacy.*}; docs/privacy.md)
 * @param tune the automatic tuning stage: budget, seed, validation protocol, search space ({@code nightjar.tune.*};
 *     docs/evaluation.md)
 * @param spark {@code spark.*} settings for the session
 */
public record NightjarConfig(
    IngestParams ingest,
    InteractionParams interactions,
    AlsParams als,
    RecommendSettings recommend,
    EmbeddingSettings embedding,
    ProfileSettings profiles,
    ProjectionParams coldStart,
    RetentionSettings retention,
    CoOccurrenceParams cooccurrence,
    EaseParams ease,
    EvaluateSettings evaluate,
    PublishSettings publish,
    PrivacySettings privacy,
    TuneSettings tune,
    Map<String, String> spark) {

  /**
   * Every Nightjar setting in force, one line per group ({@code als=AlsParams[rank=32, ...]}), in a
   * stable order; {@code spark.*} settings are left out (they do not change results and may hold
   * credentials). What a stage's run report records as {@code config}, so a night can be checked later
   * against the configuration it ran with ({@code bin/nightjar reproduce}).
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (java.lang.reflect.RecordComponent c : NightjarConfig.class.getRecordComponents()) {
      if (c.getName().equals("spark")) {
        continue;
      }
      try {
        out.append(c.getName()).append('=').append(c.getAccessor().invoke(this)).append('\n');
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot read setting group " + c.getName(), e);
      }
    }
    return out.toString();
  }

  /** The same config with other {@code recommend} settings (evaluation variants). */
  public NightjarConfig withRecommend(RecommendSettings other) {
    return new NightjarConfig(
        ingest, interactions, als, other, embedding, profiles, coldStart, retention, cooccurrence, ease, evaluate, publish, privacy, tune,
        spark);
  }

  /** The same config with other ALS settings (tuning trials, the Spark-default ALS variant). */
  public NightjarConfig withAls(AlsParams other) {
    return new NightjarConfig(
        ingest, interactions, other, recommend, embedding, profiles, coldStart, retention, cooccurrence, ease, evaluate, publish, privacy, tune,
        spark);
  }

  /** The same config with other EASE settings (tuning trials). */
  public NightjarConfig withEase(EaseParams other) {
    return new NightjarConfig(
        ingest, interactions, als, recommend, embedding, profiles, coldStart, retention, cooccurrence, other, evaluate, publish, privacy, tune,
        spark);
  }

  /** The same config with other tuning settings. */
  public NightjarConfig withTune(TuneSettings other) {
    return new NightjarConfig(
        ingest, interactions, als, recommend, embedding, profiles, coldStart, retention, cooccurrence, ease, evaluate, publish, privacy, other,
        spark);
  }

  /**
   * Settings of the {@code tune} stage (docs/evaluation.md, "Tuning"): what it searches, how long, and how
   * it carves its validation part out of the data it is given.
   *
   * <pre>{@code
   * TuneSettings t = NightjarConfig.load(null, List.of("nightjar.tune.modelTrials=2")).tune();
   * t.space().alsRank(); // [16, 32, 64]
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
    public static final int DEFAULT_EVERY_DAYS = 7;
    public static final int DEFAULT_BUDGET_SECONDS = 900;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_MODEL_TRIALS = 3;
    public static final int DEFAULT_LIST_TRIALS = 8;
    public static final int DEFAULT_HOLDOUT_DAYS = 3;
    public static final double DEFAULT_RATIO = 0.8;
    public static final String DEFAULT_METRIC = "ndcg@10";
    public static final double DEFAULT_MIN_IMPROVEMENT_SE = 2.0;

    public TuneSettings {
      if (!metric.matches("(precision|recall|ndcg|map|hit_rate|mrr)@[1-9][0-9]*")) {
        throw new ConfigException("nightjar.tune.metric = '" + metric
            + "' is not allowed: expected metric@k with metric one of precision, recall, ndcg, map, hit_rate, mrr (e.g. ndcg@10)");
      }
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

  /**
   * The search space of {@code tune}: each list holds the values a trial draws from (one value = fixed).
   *
   * @param alsRank {@code nightjar.tune.space.als.rank}
   * @param alsRegParam {@code nightjar.tune.space.als.regParam}
   * @param alsAlpha {@code nightjar.tune.space.als.alpha}
   * @param alsMaxIter {@code nightjar.tune.space.als.maxIter}
   * @param easeLambda {@code nightjar.tune.space.ease.lambda}
   * @param weights blend weight values per source, {@code nightjar.tune.space.weight.<source>}
   * @param mmrLambda {@code nightjar.tune.space.mmrLambda}
   */
  public record TuneSpace(
      List<Integer> alsRank, List<Double> alsRegParam, List<Double> alsAlpha, List<Integer> alsMaxIter, List<Double> easeLambda,
      Map<String, List<Double>> weights, List<Double> mmrLambda) {
    public static final String DEFAULT_ALS_RANK = "16,32,64";
    public static final String DEFAULT_ALS_REG_PARAM = "0.01,0.05,0.1";
    public static final String DEFAULT_ALS_ALPHA = "1,10,40";
    public static final String DEFAULT_ALS_MAX_ITER = "10";
    public static final String DEFAULT_EASE_LAMBDA = "50,100,250,500";
    public static final String DEFAULT_MMR_LAMBDA = "0.8,0.9,1.0";
    public static final Map<String, String> DEFAULT_WEIGHTS = Map.of(
        "als", "0,0.25,0.5,1", "content", "0,0.1,0.2,0.5", "trending", "0,0.1", "repurchase", "0,0.6",
        "cooccurrence", "0,0.5,1", "ease", "0,0.5,1,2");

    public TuneSpace {
      alsRank = List.copyOf(alsRank);
      alsRegParam = List.copyOf(alsRegParam);
      alsAlpha = List.copyOf(alsAlpha);
      alsMaxIter = List.copyOf(alsMaxIter);
      easeLambda = List.copyOf(easeLambda);
      Map<String, List<Double>> copy = new java.util.TreeMap<>();
      weights.forEach((source, values) -> copy.put(source, List.copyOf(values)));
      weights = java.util.Collections.unmodifiableMap(copy);
      mmrLambda = List.copyOf(mmrLambda);
    }
  }

  /**
   * Settings of the {@code evaluate} stage (docs/evaluation.md).
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
    public static final int DEFAULT_HOLDOUT_DAYS = 3;
    public static final String DEFAULT_KS = "5,10,20";
    public static final String DEFAULT_VARIANTS = "popular,item_knn,als,content,blend,blend_explore_2,blend_explore_5";
    public static final int DEFAULT_FRONTIER_K = 10;
    public static final String DEFAULT_RELEVANT_EVENTS = "view,cart,purchase,favorite,rating,review";
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

  /**
   * Settings of the {@code publish} gate.
   *
   * @param gate metrics checked, as {@code metric@k} of {@code variant} on slice {@code all} (e.g. ndcg@10)
   * @param variant the evaluation variant the gate reads (the served configuration: {@code blend})
   * @param tolerance largest allowed relative drop against the last published night (0.2 = may be 20% lower)
   */
  public record PublishSettings(List<String> gate, String variant, double tolerance) {
    public static final String DEFAULT_GATE = "ndcg@10,coverage@10";
    public static final String DEFAULT_VARIANT = "blend";
    public static final double DEFAULT_TOLERANCE = 0.2;

    public PublishSettings {
      gate = List.copyOf(gate);
      for (String g : gate) {
        if (!g.matches("[a-z_]+@[0-9]+")) {
          throw new ConfigException("nightjar.publish.gate: '" + g + "' is not metric@k (e.g. ndcg@10,coverage@10)");
        }
      }
    }
  }

  /**
   * Settings of the {@code retention} and {@code forget} commands (docs/reliability.md).
   *
   * @param rawRetentionDays raw events older than D minus this many days are deleted by {@code retention --date D}
   * @param vacuumRetentionHours VACUUM keeps files removed less than this many hours ago (time travel and
   *     concurrent readers need them); below {@value #DELTA_SAFE_VACUUM_HOURS} Delta also needs
   *     {@code spark.databricks.delta.retentionDurationCheck.enabled=false}
   */
  public record RetentionSettings(int rawRetentionDays, int vacuumRetentionHours) {
    public static final int DEFAULT_RAW_RETENTION_DAYS = 400;
    public static final int DEFAULT_VACUUM_RETENTION_HOURS = 168;
    /** Delta's default {@code delta.deletedFileRetentionDuration} (1 week): shorter VACUUMs need the safety check off. */
    public static final int DELTA_SAFE_VACUUM_HOURS = 168;
  }

  /**
   * Privacy settings of the stages (docs/privacy.md).
   *
   * @param pseudonymKeyFile a secret file holding the pseudonym key as hex (never the key itself); empty = the
   *     environment ({@code NIGHTJAR_PSEUDONYM_KEY}, {@code NIGHTJAR_PSEUDONYM_KEY_FILE}), or an embedded run's local key
   * @param epsilon ε of the Laplace noise on trending popularity, or {@value DpParams#OFF} (exact, the default)
   * @param trendingItemsPerUser with noise on: each user's contribution to trending is capped to this many items
   * @param trendingMaxWeight with noise on: each (user, item) weight is clipped to at most this
   * @param kAnonymity per-group outputs for analysts ({@code segment_summary}, {@code category_summary}) drop
   *     groups with fewer than this many distinct users
   */
  public record PrivacySettings(
      Optional<Path> pseudonymKeyFile, DpParams epsilon, int trendingItemsPerUser, double trendingMaxWeight, int kAnonymity) {
    public static final String DEFAULT_EPSILON = DpParams.OFF;
    public static final int DEFAULT_TRENDING_ITEMS_PER_USER = 20;
    public static final double DEFAULT_TRENDING_MAX_WEIGHT = 5.0;
    public static final int DEFAULT_K_ANONYMITY = KAnonymity.DEFAULT_K;

    /**
     * The mechanism on trending popularity: off, or Laplace with ε and the L1 sensitivity of the whole
     * popularity vector, {@code trendingItemsPerUser × trendingMaxWeight} (what one user can change in total).
     */
    public DpParams trendingNoise() {
      return epsilon.enabled() ? DpParams.laplace(epsilon.epsilon(), trendingItemsPerUser * trendingMaxWeight) : DpParams.off();
    }

    /** ε as the run report states it: a number, or {@value DpParams#OFF}. */
    public String epsilonText() {
      return epsilon.enabled() ? Double.toString(epsilon.epsilon()) : DpParams.OFF;
    }
  }

  /**
   * Settings of the {@code profiles} stage.
   *
   * @param interests prior strength and number of interest labels
   * @param segments number of k-means interest segments
   * @param seed k-means seed
   * @param similarItems neighbours kept per item in {@code similar_items}
   * @param newItemDays items created within this many days before D (or without interactions) get an audience
   * @param audienceSize users kept per new item in {@code item_audiences}
   */
  public record ProfileSettings(
      InterestParams interests, int segments, long seed, int similarItems, int newItemDays, int audienceSize) {
    public static final int DEFAULT_SEGMENTS = 8;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_SIMILAR_ITEMS = 20;
    public static final int DEFAULT_NEW_ITEM_DAYS = 7;
    public static final int DEFAULT_AUDIENCE_SIZE = 100;
  }

  /**
   * Settings of the {@code embed-items} stage.
   *
   * @param encoder batch size, max tokens and device of the text encoder
   * @param template item text template over {title}, {category}, {brand}, {description}
   */
  public record EmbeddingSettings(EmbeddingParams encoder, String template) {
    public EmbeddingSettings {
      ItemText.validate(template);
    }
  }

  /**
   * Settings of the {@code recommend} stage.
   *
   * @param k list length
   * @param candidatesPerSource candidates each source (ALS, content, trending) proposes per user
   * @param weights blend weight per source ({@code als}, {@code content}, {@code trending}, {@code repurchase},
   *     {@code cooccurrence}, {@code ease}); a source weighted 0 is not computed
   * @param mmrLambda 1 = order by blended score; lower trades score for diversity (MMR over item embeddings)
   * @param categoryCap at most this many items of one category in the exploitation part
   * @param exploreRanks 1-based ranks reserved for exploration (empty = pure exploitation)
   * @param propensitySamples Thompson draws estimating each exploration row's propensity
   * @param repurchaseDays categories whose purchases may be recommended again, with their reorder interval in days
   * @param blocklist item ids never recommended
   * @param trendingDays trending = decayed popularity over this many days
   * @param trendingHalfLifeDays half-life of that decay
   * @param seed seed of the exploration policy (combined with user and date)
   * @param exploreCategories with exploration on, each user's best ALS items are also found in this many of the
   *     largest categories, for the exploration slots to offer
   */
  public record RecommendSettings(
      int k, int candidatesPerSource, Map<String, Double> weights, double mmrLambda, int categoryCap,
      List<Integer> exploreRanks, int propensitySamples, Map<String, Integer> repurchaseDays, List<String> blocklist,
      int trendingDays, double trendingHalfLifeDays, long seed, int exploreCategories) {
    public static final int DEFAULT_K = 50;
    public static final int DEFAULT_CANDIDATES_PER_SOURCE = 100;
    public static final double DEFAULT_WEIGHT_ALS = 0.5;
    public static final double DEFAULT_WEIGHT_CONTENT = 0.2;
    public static final double DEFAULT_WEIGHT_TRENDING = 0.1;
    public static final double DEFAULT_WEIGHT_REPURCHASE = 0.6;
    public static final double DEFAULT_WEIGHT_COOCCURRENCE = 0.5;
    public static final double DEFAULT_WEIGHT_EASE = 1.0;
    public static final double DEFAULT_MMR_LAMBDA = 0.9;
    public static final int DEFAULT_CATEGORY_CAP = 35;
    public static final String DEFAULT_EXPLORE_RANKS = "10,20";
    public static final int DEFAULT_PROPENSITY_SAMPLES = 500;
    public static final int DEFAULT_TRENDING_DAYS = 7;
    public static final double DEFAULT_TRENDING_HALF_LIFE_DAYS = 3.0;
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_EXPLORE_CATEGORIES = 50;
    public static final List<String> SOURCES = List.of("als", "content", "trending", "repurchase", "cooccurrence", "ease");

    public RecommendSettings {
      for (int rank : exploreRanks) {
        if (rank < 1 || rank > k) {
          throw new ConfigException("nightjar.recommend.exploreRanks: rank " + rank + " is outside 1.." + k
              + " (nightjar.recommend.k); give comma-separated ranks, or nothing for pure exploitation");
        }
      }
      weights = Map.copyOf(weights);
      exploreRanks = List.copyOf(exploreRanks);
      repurchaseDays = Map.copyOf(repurchaseDays);
      blocklist = List.copyOf(blocklist);
    }
  }

  /** Defaults only (no file, no overrides). */
  public static NightjarConfig defaults() {
    return load(null, List.of());
  }

  /** Reads {@code file} (may be null) and the {@code key=value} overrides; fails on unknown or invalid keys. */
  public static NightjarConfig load(Path file, List<String> overrides) {
    ConfigReader r = ConfigReader.load(file, overrides);
    NightjarConfig config = read(r);
    r.requireAllKnown();
    return config;
  }

  static NightjarConfig read(ConfigReader r) {
    IngestParams ingest =
        new IngestParams(
            r.getInt("nightjar.ingest.maxEventAgeDays", IngestParams.DEFAULT_MAX_EVENT_AGE_DAYS, 1, 36_500),
            r.getInt("nightjar.ingest.maxFutureSkewHours", IngestParams.DEFAULT_MAX_FUTURE_SKEW_HOURS, 0, 8_760));
    Map<String, Double> weights = new LinkedHashMap<>();
    Map<String, Double> defaults = InteractionParams.defaultEventWeights();
    for (String type : EventTypes.ALL) {
      double w = r.getDouble("nightjar.interactions.weight." + type, defaults.getOrDefault(type, 0.0), 0, 1_000);
      if (w > 0) {
        weights.put(type, w);
      }
    }
    InteractionParams interactions =
        new InteractionParams(
            r.getInt("nightjar.interactions.lookbackDays", InteractionParams.DEFAULT_LOOKBACK_DAYS, 1, 3_650),
            r.getDouble("nightjar.interactions.halfLifeDays", InteractionParams.DEFAULT_HALF_LIFE_DAYS, 0.01, 36_500),
            weights,
            r.getLong("nightjar.interactions.botMaxEventsPerDay", InteractionParams.DEFAULT_BOT_MAX_EVENTS_PER_DAY, 1, Long.MAX_VALUE));
    AlsParams als =
        new AlsParams(
            r.getInt("nightjar.als.rank", AlsParams.DEFAULT_RANK, 1, 1024),
            r.getDouble("nightjar.als.regParam", AlsParams.DEFAULT_REG_PARAM, 0, 1_000),
            r.getDouble("nightjar.als.alpha", AlsParams.DEFAULT_ALPHA, 0, 1_000_000),
            r.getInt("nightjar.als.maxIter", AlsParams.DEFAULT_MAX_ITER, 1, 1_000),
            r.getLong("nightjar.als.seed", AlsParams.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
            r.getInt("nightjar.als.numBlocks", AlsParams.DEFAULT_NUM_BLOCKS, 0, 100_000));
    RecommendSettings recommend = readRecommend(r);
    EmbeddingSettings embedding =
        new EmbeddingSettings(
            new EmbeddingParams(
                r.getInt("nightjar.embedding.batchSize", EmbeddingParams.DEFAULT_BATCH_SIZE, 1, EmbeddingParams.MAX_BATCH_SIZE),
                r.getInt("nightjar.embedding.maxLength", EmbeddingParams.DEFAULT_MAX_LENGTH, 2, EmbeddingParams.MODEL_MAX_LENGTH),
                r.getChoice(DeviceSelection.CONFIG_KEY, EmbeddingParams.DEFAULT_DEVICE, DeviceSelection.ALLOWED)),
            r.getString("nightjar.embedding.template", ItemText.DEFAULT_TEMPLATE));
    ProfileSettings profiles =
        new ProfileSettings(
            new InterestParams(
                r.getDouble("nightjar.profiles.priorStrength", InterestParams.DEFAULT_PRIOR_STRENGTH, 0, 1_000_000),
                r.getInt("nightjar.profiles.topCategories", InterestParams.DEFAULT_TOP_CATEGORIES, 1, 100)),
            r.getInt("nightjar.profiles.segments", ProfileSettings.DEFAULT_SEGMENTS, 2, 1_000),
            r.getLong("nightjar.profiles.seed", ProfileSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
            r.getInt("nightjar.profiles.similarItems", ProfileSettings.DEFAULT_SIMILAR_ITEMS, 1, 1_000),
            r.getInt("nightjar.profiles.newItemDays", ProfileSettings.DEFAULT_NEW_ITEM_DAYS, 0, 3_650),
            r.getInt("nightjar.profiles.audienceSize", ProfileSettings.DEFAULT_AUDIENCE_SIZE, 1, 1_000_000));
    ProjectionParams coldStart =
        new ProjectionParams(
            r.getInt("nightjar.coldstart.hiddenSize", ProjectionParams.DEFAULT_HIDDEN_SIZE, 1, ProjectionParams.MAX_HIDDEN_SIZE),
            r.getInt("nightjar.coldstart.epochs", ProjectionParams.DEFAULT_EPOCHS, 1, ProjectionParams.MAX_EPOCHS),
            r.getInt("nightjar.coldstart.batchSize", ProjectionParams.DEFAULT_BATCH_SIZE, 1, ProjectionParams.MAX_BATCH_SIZE),
            r.getDouble("nightjar.coldstart.learningRate", ProjectionParams.DEFAULT_LEARNING_RATE, 1e-7, 10),
            r.getDouble("nightjar.coldstart.holdoutShare", ProjectionParams.DEFAULT_HOLDOUT_SHARE, 0, ProjectionParams.MAX_HOLDOUT_SHARE),
            r.getLong("nightjar.coldstart.seed", ProjectionParams.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
            r.getChoice("nightjar.coldstart.device", ProjectionParams.DEFAULT_DEVICE, DeviceSelection.ALLOWED),
            r.getInt("nightjar.coldstart.maxTrainingItems", ProjectionParams.DEFAULT_MAX_TRAINING_ITEMS,
                ProjectionParams.MIN_TRAINING_ITEMS, ProjectionParams.MAX_TRAINING_ITEMS));
    RetentionSettings retention =
        new RetentionSettings(
            r.getInt("nightjar.privacy.rawRetentionDays", RetentionSettings.DEFAULT_RAW_RETENTION_DAYS, 1, 36_500),
            r.getInt("nightjar.privacy.vacuumRetentionHours", RetentionSettings.DEFAULT_VACUUM_RETENTION_HOURS, 0, 87_600));
    return new NightjarConfig(
        ingest, interactions, als, recommend, embedding, profiles, coldStart, retention, readCoOccurrence(r), readEase(r),
        readEvaluate(r), readPublish(r), readPrivacy(r), readTune(r), r.sparkSettings());
  }

  private static TuneSettings readTune(ConfigReader r) {
    Map<String, List<Double>> weights = new LinkedHashMap<>();
    for (String source : RecommendSettings.SOURCES) {
      weights.put(source, doubles(r, "nightjar.tune.space.weight." + source, TuneSpace.DEFAULT_WEIGHTS.get(source), 0, 1_000));
    }
    TuneSpace space = new TuneSpace(
        ints(r, "nightjar.tune.space.als.rank", TuneSpace.DEFAULT_ALS_RANK, 1, 1024),
        doubles(r, "nightjar.tune.space.als.regParam", TuneSpace.DEFAULT_ALS_REG_PARAM, 0, 1_000),
        doubles(r, "nightjar.tune.space.als.alpha", TuneSpace.DEFAULT_ALS_ALPHA, 0, 1_000_000),
        ints(r, "nightjar.tune.space.als.maxIter", TuneSpace.DEFAULT_ALS_MAX_ITER, 1, 1_000),
        doubles(r, "nightjar.tune.space.ease.lambda", TuneSpace.DEFAULT_EASE_LAMBDA, 1e-6, 1e9),
        weights,
        doubles(r, "nightjar.tune.space.mmrLambda", TuneSpace.DEFAULT_MMR_LAMBDA, 0, 1));
    return new TuneSettings(
        r.getChoice("nightjar.tune.use", "latest", TuneSettings.USES),
        r.getInt("nightjar.tune.everyDays", TuneSettings.DEFAULT_EVERY_DAYS, 1, 3_650),
        r.getInt("nightjar.tune.budgetSeconds", TuneSettings.DEFAULT_BUDGET_SECONDS, 1, 7 * 24 * 3_600),
        r.getLong("nightjar.tune.seed", TuneSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
        r.getInt("nightjar.tune.modelTrials", TuneSettings.DEFAULT_MODEL_TRIALS, 1, 1_000),
        r.getInt("nightjar.tune.listTrials", TuneSettings.DEFAULT_LIST_TRIALS, 1, 10_000),
        r.getInt("nightjar.tune.holdoutDays", TuneSettings.DEFAULT_HOLDOUT_DAYS, 1, 3_650),
        r.getDouble("nightjar.tune.ratio", TuneSettings.DEFAULT_RATIO, 0.01, 0.99),
        r.getString("nightjar.tune.metric", TuneSettings.DEFAULT_METRIC).trim(),
        r.getDouble("nightjar.tune.minImprovementSe", TuneSettings.DEFAULT_MIN_IMPROVEMENT_SE, 0, 100),
        space);
  }

  /** A non-empty comma-separated list of numbers within [min, max]; the error names the key and what is allowed. */
  private static List<Double> doubles(ConfigReader r, String key, String defaultValue, double min, double max) {
    String allowed = "comma-separated numbers in [" + min + ", " + max + "], e.g. " + defaultValue;
    List<Double> out = new ArrayList<>();
    for (String v : r.getList(key, defaultValue, allowed)) {
      try {
        double d = Double.parseDouble(v);
        if (!(d >= min && d <= max)) {
          throw new NumberFormatException();
        }
        out.add(d);
      } catch (NumberFormatException e) {
        throw new ConfigException(key + ": '" + v + "' is not allowed: expected " + allowed);
      }
    }
    if (out.isEmpty()) {
      throw new ConfigException(key + " is empty: expected " + allowed);
    }
    return out;
  }

  /** A non-empty comma-separated list of integers within min..max. */
  private static List<Integer> ints(ConfigReader r, String key, String defaultValue, int min, int max) {
    List<Integer> out = new ArrayList<>();
    for (double d : doubles(r, key, defaultValue, min, max)) {
      if (d != Math.rint(d)) {
        throw new ConfigException(key + ": '" + d + "' is not allowed: expected comma-separated integers in " + min + ".." + max);
      }
      out.add((int) d);
    }
    return out;
  }

  private static CoOccurrenceParams readCoOccurrence(ConfigReader r) {
    return new CoOccurrenceParams(
        CoOccurrenceParams.Similarity.parse(r.getChoice("nightjar.cooccurrence.similarity",
            CoOccurrenceParams.DEFAULT_SIMILARITY.name().toLowerCase(java.util.Locale.ROOT), List.of("jaccard", "lift", "cosine"))),
        r.getInt("nightjar.cooccurrence.minCoCount", CoOccurrenceParams.DEFAULT_MIN_CO_COUNT, 1, 1_000_000),
        r.getInt("nightjar.cooccurrence.maxItemsPerUser", CoOccurrenceParams.DEFAULT_MAX_ITEMS_PER_USER, 1, 100_000),
        r.getInt("nightjar.cooccurrence.neighbours", CoOccurrenceParams.DEFAULT_NEIGHBOURS_PER_ITEM, 1, 10_000),
        CoOccurrenceParams.DEFAULT_TOP_N,
        r.getBoolean("nightjar.cooccurrence.weightedAffinity", CoOccurrenceParams.DEFAULT_WEIGHTED_AFFINITY));
  }

  private static EaseParams readEase(ConfigReader r) {
    return new EaseParams(
        r.getDouble("nightjar.ease.lambda", EaseParams.DEFAULT_LAMBDA, 1e-6, 1e9),
        r.getInt("nightjar.ease.maxItems", EaseParams.DEFAULT_MAX_ITEMS, 1, EaseParams.MAX_ITEMS),
        r.getLong("nightjar.ease.driverBudgetMb", EaseParams.DEFAULT_DRIVER_BUDGET_BYTES >> 20, 1, 1_000_000) << 20,
        r.getBoolean("nightjar.ease.binarize", EaseParams.DEFAULT_BINARIZE));
  }

  private static PrivacySettings readPrivacy(ConfigReader r) {
    String keyFile = r.getString("nightjar.privacy.pseudonymKeyFile", "").trim();
    String epsilonText = r.getString("nightjar.privacy.epsilon", PrivacySettings.DEFAULT_EPSILON);
    DpParams epsilon;
    try {
      epsilon = DpParams.parse(epsilonText);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("nightjar.privacy.epsilon = '" + epsilonText + "' is not allowed: expected '" + DpParams.OFF
          + "' (exact counts) or a number > 0 (smaller = more noise)");
    }
    return new PrivacySettings(
        keyFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(keyFile)),
        epsilon,
        r.getInt("nightjar.privacy.trendingItemsPerUser", PrivacySettings.DEFAULT_TRENDING_ITEMS_PER_USER, 1, 100_000),
        r.getDouble("nightjar.privacy.trendingMaxWeight", PrivacySettings.DEFAULT_TRENDING_MAX_WEIGHT, 0.001, 1_000_000),
        r.getInt("nightjar.privacy.kAnonymity", PrivacySettings.DEFAULT_K_ANONYMITY, 1, 1_000_000));
  }

  private static EvaluateSettings readEvaluate(ConfigReader r) {
    List<Integer> ks = new ArrayList<>();
    for (String k : r.getList("nightjar.evaluate.ks", EvaluateSettings.DEFAULT_KS, "comma-separated cut-offs, e.g. 5,10,20")) {
      try {
        ks.add(Integer.parseInt(k));
      } catch (NumberFormatException e) {
        throw new ConfigException("nightjar.evaluate.ks: '" + k + "' is not a whole number; give comma-separated cut-offs, e.g. 5,10,20");
      }
    }
    if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1 || k > 1_000)) {
      throw new ConfigException("nightjar.evaluate.ks: give one or more cut-offs within 1..1000, got " + ks);
    }
    List<String> variants = r.getList("nightjar.evaluate.variants", EvaluateSettings.DEFAULT_VARIANTS,
        "comma-separated of " + EvaluateSettings.ALLOWED_VARIANTS);
    for (String v : variants) {
      if (!v.matches("popular|item_knn|als|content|ease|cooccurrence|blend|tuned|als_spark_default|blend_explore_[1-9][0-9]*")) {
        throw new ConfigException("nightjar.evaluate.variants: unknown variant '" + v
            + "'; allowed: " + EvaluateSettings.ALLOWED_VARIANTS + " (E = exploration slots, e.g. blend_explore_2)");
      }
    }
    List<String> relevant = r.getList("nightjar.evaluate.relevantEvents", EvaluateSettings.DEFAULT_RELEVANT_EVENTS,
        "comma-separated event types of " + EventTypes.ALL);
    for (String type : relevant) {
      if (!EventTypes.ALL.contains(type)) {
        throw new ConfigException("nightjar.evaluate.relevantEvents: unknown event type '" + type + "'; allowed: " + EventTypes.ALL);
      }
    }
    return new EvaluateSettings(
        r.getChoice("nightjar.evaluate.split", "temporal", EvaluateSettings.SPLITS),
        r.getInt("nightjar.evaluate.holdoutDays", EvaluateSettings.DEFAULT_HOLDOUT_DAYS, 1, 3_650),
        r.getDouble("nightjar.evaluate.ratio", 0.8, 0.01, 0.99),
        r.getLong("nightjar.evaluate.seed", 42L, Long.MIN_VALUE, Long.MAX_VALUE),
        r.getInt("nightjar.evaluate.lastN", 1, 1, 1_000),
        ks,
        variants,
        r.getInt("nightjar.evaluate.frontierK", EvaluateSettings.DEFAULT_FRONTIER_K, 1, 1_000),
        relevant,
        r.getInt("nightjar.evaluate.newUserMaxTrainInteractions", 2, 0, 1_000_000));
  }

  private static PublishSettings readPublish(ConfigReader r) {
    return new PublishSettings(
        r.getList("nightjar.publish.gate", PublishSettings.DEFAULT_GATE, "comma-separated metric@k, e.g. ndcg@10,coverage@10"),
        r.getString("nightjar.publish.variant", PublishSettings.DEFAULT_VARIANT),
        r.getDouble("nightjar.publish.tolerance", PublishSettings.DEFAULT_TOLERANCE, 0, 1));
  }

  private static RecommendSettings readRecommend(ConfigReader r) {
    int k = r.getInt("nightjar.recommend.k", RecommendSettings.DEFAULT_K, 1, 10_000);
    Map<String, Double> defaults = Map.of(
        "als", RecommendSettings.DEFAULT_WEIGHT_ALS, "content", RecommendSettings.DEFAULT_WEIGHT_CONTENT,
        "trending", RecommendSettings.DEFAULT_WEIGHT_TRENDING, "repurchase", RecommendSettings.DEFAULT_WEIGHT_REPURCHASE,
        "cooccurrence", RecommendSettings.DEFAULT_WEIGHT_COOCCURRENCE, "ease", RecommendSettings.DEFAULT_WEIGHT_EASE);
    Map<String, Double> weights = new LinkedHashMap<>();
    for (String source : RecommendSettings.SOURCES) {
      weights.put(source, r.getDouble("nightjar.recommend.weight." + source, defaults.get(source), 0, 1_000));
    }
    List<Integer> exploreRanks = new ArrayList<>();
    for (String rank : r.getList("nightjar.recommend.exploreRanks", RecommendSettings.DEFAULT_EXPLORE_RANKS, "comma-separated ranks within 1..k")) {
      try {
        exploreRanks.add(Integer.parseInt(rank));
      } catch (NumberFormatException e) {
        throw new ConfigException("nightjar.recommend.exploreRanks: '" + rank + "' is not a rank; give comma-separated integers within 1.." + k);
      }
    }
    Map<String, Integer> repurchase = new LinkedHashMap<>();
    for (String entry : r.getList("nightjar.recommend.repurchaseDays", "", "comma-separated Category:days, e.g. Grocery:14,Pets:30")) {
      String[] parts = entry.split(":");
      try {
        repurchase.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
      } catch (RuntimeException e) {
        throw new ConfigException("nightjar.recommend.repurchaseDays: '" + entry + "' is not Category:days (e.g. Grocery:14)");
      }
    }
    return new RecommendSettings(
        k,
        r.getInt("nightjar.recommend.candidatesPerSource", RecommendSettings.DEFAULT_CANDIDATES_PER_SOURCE, 1, 10_000),
        weights,
        r.getDouble("nightjar.recommend.mmrLambda", RecommendSettings.DEFAULT_MMR_LAMBDA, 0, 1),
        r.getInt("nightjar.recommend.categoryCap", RecommendSettings.DEFAULT_CATEGORY_CAP, 1, 10_000),
        exploreRanks,
        r.getInt("nightjar.recommend.propensitySamples", RecommendSettings.DEFAULT_PROPENSITY_SAMPLES, 1, 1_000_000),
        repurchase,
        r.getList("nightjar.recommend.blocklist", "", "comma-separated item ids"),
        r.getInt("nightjar.recommend.trendingDays", RecommendSettings.DEFAULT_TRENDING_DAYS, 1, 365),
        r.getDouble("nightjar.recommend.trendingHalfLifeDays", RecommendSettings.DEFAULT_TRENDING_HALF_LIFE_DAYS, 0.01, 365),
        r.getLong("nightjar.recommend.seed", RecommendSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE),
        r.getInt("nightjar.recommend.exploreCategories", RecommendSettings.DEFAULT_EXPLORE_CATEGORIES, 0, 10_000));
  }

  /** Every known key with its allowed values and default. */
  public static Map<String, String> describeKeys() {
    ConfigReader r = ConfigReader.load(null, List.of());
    read(r);
    return r.describeKnown();
  }
}

package dev.nightjar.jobs.config;

import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.coldstart.ProjectionParams;
import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.models.text.DeviceSelection;
import dev.nightjar.models.text.EmbeddingParams;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.EventTypes;
import dev.nightjar.transforms.IngestParams;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.InterestParams;
import dev.nightjar.transforms.ItemText;
import dev.nightjar.transforms.privacy.DpParams;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every {@code nightjar.*} key, declared once, one nested class per settings group: name, default (the group's
 * named constant), allowed range or values and a one-line meaning. {@link ConfigReader} reads the settings
 * through these keys, {@code bin/nightjar config} lists {@link #all()}, and the tuning search space keys are made
 * from the keys they tune. A new setting is one key here, one record component and one line in the reader.
 *
 * <pre>{@code
 * ConfigKeys.Als.RANK.name();                          // "nightjar.als.rank"
 * ConfigKeys.Recommend.WEIGHT.get(Source.EASE).defaultValue(); // 1.0
 * ConfigKeys.all().size();                             // every key config lists
 * }</pre>
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  /** {@code nightjar.ingest.*}: ingest validation. */
  public static final class Ingest {
    private Ingest() {}

    public static final ConfigKey<Integer> MAX_EVENT_AGE_DAYS = ConfigKey.integer("nightjar.ingest.maxEventAgeDays",
        IngestParams.DEFAULT_MAX_EVENT_AGE_DAYS, 1, 36_500, "events older than D minus this are too_old");
    public static final ConfigKey<Integer> MAX_FUTURE_SKEW_HOURS = ConfigKey.integer("nightjar.ingest.maxFutureSkewHours",
        IngestParams.DEFAULT_MAX_FUTURE_SKEW_HOURS, 0, 8_760, "events stamped later than import time plus this are future_timestamp");
  }

  /** {@code nightjar.interactions.*}: weighting and decay. */
  public static final class Interactions {
    private Interactions() {}

    public static final ConfigKey<Integer> LOOKBACK_DAYS = ConfigKey.integer("nightjar.interactions.lookbackDays",
        InteractionParams.DEFAULT_LOOKBACK_DAYS, 0, 36_500,
        "only events of the last this many days count for night D; 0 = all retained history (ingest's maxEventAgeDays)");
    public static final ConfigKey<Integer> MAX_EVENTS_PER_USER = ConfigKey.integer("nightjar.interactions.maxEventsPerUser",
        InteractionParams.DEFAULT_MAX_EVENTS_PER_USER, 0, 1_000_000,
        "only each user's this many most recent events count (bounds the cost of long histories); 0 = no cap");
    public static final ConfigKey<Double> HALF_LIFE_DAYS = ConfigKey.number("nightjar.interactions.halfLifeDays",
        InteractionParams.DEFAULT_HALF_LIFE_DAYS, 0.01, 36_500,
        "an event's weight halves every this many days before the recency reference");
    public static final ConfigKey<String> RECENCY = ConfigKey.choice("nightjar.interactions.recency",
        InteractionParams.DEFAULT_RECENCY.id(), List.of("user", "calendar"),
        "what an event's age is measured from: user = the user's own last event (a returning customer keeps their "
            + "history), calendar = the end of D");
    /** {@code nightjar.interactions.weight.<type>} per event type of {@link EventTypes#ALL}; 0 leaves the type out. */
    public static final Map<String, ConfigKey<Double>> WEIGHT = eventWeights();
    public static final ConfigKey<Long> BOT_MAX_EVENTS_PER_DAY = ConfigKey.longInteger("nightjar.interactions.botMaxEventsPerDay",
        InteractionParams.DEFAULT_BOT_MAX_EVENTS_PER_DAY, 1, Long.MAX_VALUE,
        "users with more events on any day of the window are bots and left out");

    private static Map<String, ConfigKey<Double>> eventWeights() {
      Map<String, Double> defaults = InteractionParams.defaultEventWeights();
      Map<String, ConfigKey<Double>> keys = new LinkedHashMap<>();
      for (String type : EventTypes.ALL) {
        keys.put(type, ConfigKey.number("nightjar.interactions.weight." + type, defaults.getOrDefault(type, 0.0), 0, 1_000,
            "weight of a " + type + " event; 0 leaves the type out"));
      }
      return Collections.unmodifiableMap(keys);
    }
  }

  /** {@code nightjar.als.*}: implicit ALS. */
  public static final class Als {
    private Als() {}

    public static final ConfigKey<Integer> RANK =
        ConfigKey.integer("nightjar.als.rank", AlsParams.DEFAULT_RANK, 1, 1024, "ALS factor rank");
    public static final ConfigKey<Double> REG_PARAM =
        ConfigKey.number("nightjar.als.regParam", AlsParams.DEFAULT_REG_PARAM, 0, 1_000, "ALS regularisation");
    public static final ConfigKey<Double> ALPHA =
        ConfigKey.number("nightjar.als.alpha", AlsParams.DEFAULT_ALPHA, 0, 1_000_000, "ALS implicit confidence scale");
    public static final ConfigKey<Integer> MAX_ITER =
        ConfigKey.integer("nightjar.als.maxIter", AlsParams.DEFAULT_MAX_ITER, 1, 1_000, "ALS iterations");
    public static final ConfigKey<Long> SEED =
        ConfigKey.longInteger("nightjar.als.seed", AlsParams.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, "ALS seed");
    public static final ConfigKey<Integer> NUM_BLOCKS = ConfigKey.integer("nightjar.als.numBlocks", AlsParams.DEFAULT_NUM_BLOCKS,
        0, 100_000, "ALS user and item blocks; 0 = Spark's default parallelism");
  }

  /** {@code nightjar.embedding.*}: the text encoder. */
  public static final class Embedding {
    private Embedding() {}

    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer("nightjar.embedding.batchSize",
        EmbeddingParams.DEFAULT_BATCH_SIZE, 1, EmbeddingParams.MAX_BATCH_SIZE, "texts per encoder batch");
    public static final ConfigKey<Integer> MAX_LENGTH = ConfigKey.integer("nightjar.embedding.maxLength",
        EmbeddingParams.DEFAULT_MAX_LENGTH, 2, EmbeddingParams.MODEL_MAX_LENGTH, "tokens per text, longer texts are cut");
    public static final ConfigKey<String> DEVICE = ConfigKey.choice(DeviceSelection.CONFIG_KEY, EmbeddingParams.DEFAULT_DEVICE,
        DeviceSelection.ALLOWED, "auto = GPU when the engine sees one");
    public static final ConfigKey<String> TEMPLATE = ConfigKey.text("nightjar.embedding.template", ItemText.DEFAULT_TEMPLATE,
        "item text over {title}, {category}, {brand}, {description}");
  }

  /** {@code nightjar.profiles.*}: interest posteriors, segments, content neighbours. */
  public static final class Profiles {
    private Profiles() {}

    public static final ConfigKey<Double> PRIOR_STRENGTH = ConfigKey.number("nightjar.profiles.priorStrength",
        InterestParams.DEFAULT_PRIOR_STRENGTH, 0, 1_000_000, "weight of the population prior in interest posteriors");
    public static final ConfigKey<Integer> TOP_CATEGORIES = ConfigKey.integer("nightjar.profiles.topCategories",
        InterestParams.DEFAULT_TOP_CATEGORIES, 1, 100, "interest labels per user");
    public static final ConfigKey<Integer> SEGMENTS = ConfigKey.integer("nightjar.profiles.segments",
        ProfileSettings.DEFAULT_SEGMENTS, 2, 1_000, "k-means interest segments");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("nightjar.profiles.seed",
        ProfileSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, "k-means seed");
    public static final ConfigKey<Integer> SIMILAR_ITEMS = ConfigKey.integer("nightjar.profiles.similarItems",
        ProfileSettings.DEFAULT_SIMILAR_ITEMS, 1, 1_000, "neighbours kept per item in similar_items");
    public static final ConfigKey<Integer> NEW_ITEM_DAYS = ConfigKey.integer("nightjar.profiles.newItemDays",
        ProfileSettings.DEFAULT_NEW_ITEM_DAYS, 0, 3_650, "items created within this many days get an audience");
    public static final ConfigKey<Integer> AUDIENCE_SIZE = ConfigKey.integer("nightjar.profiles.audienceSize",
        ProfileSettings.DEFAULT_AUDIENCE_SIZE, 1, 1_000_000, "users kept per new item in item_audiences");
  }

  /** {@code nightjar.coldstart.*}: the text → factor projection for new items. */
  public static final class ColdStart {
    private ColdStart() {}

    public static final ConfigKey<Integer> HIDDEN_SIZE = ConfigKey.integer("nightjar.coldstart.hiddenSize",
        ProjectionParams.DEFAULT_HIDDEN_SIZE, 1, ProjectionParams.MAX_HIDDEN_SIZE, "hidden units of the projection");
    public static final ConfigKey<Integer> EPOCHS = ConfigKey.integer("nightjar.coldstart.epochs",
        ProjectionParams.DEFAULT_EPOCHS, 1, ProjectionParams.MAX_EPOCHS, "training epochs");
    public static final ConfigKey<Integer> BATCH_SIZE = ConfigKey.integer("nightjar.coldstart.batchSize",
        ProjectionParams.DEFAULT_BATCH_SIZE, 1, ProjectionParams.MAX_BATCH_SIZE, "training batch size");
    public static final ConfigKey<Double> LEARNING_RATE = ConfigKey.number("nightjar.coldstart.learningRate",
        ProjectionParams.DEFAULT_LEARNING_RATE, 1e-7, 10, "learning rate");
    public static final ConfigKey<Double> HOLDOUT_SHARE = ConfigKey.number("nightjar.coldstart.holdoutShare",
        ProjectionParams.DEFAULT_HOLDOUT_SHARE, 0, ProjectionParams.MAX_HOLDOUT_SHARE, "share of warm items held out to measure it");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("nightjar.coldstart.seed",
        ProjectionParams.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, "training seed");
    public static final ConfigKey<String> DEVICE = ConfigKey.choice("nightjar.coldstart.device",
        ProjectionParams.DEFAULT_DEVICE, DeviceSelection.ALLOWED, "auto = GPU when the engine sees one");
    public static final ConfigKey<Integer> MAX_TRAINING_ITEMS = ConfigKey.integer("nightjar.coldstart.maxTrainingItems",
        ProjectionParams.DEFAULT_MAX_TRAINING_ITEMS, ProjectionParams.MIN_TRAINING_ITEMS, ProjectionParams.MAX_TRAINING_ITEMS,
        "warm items it trains on at most");
  }

  /** {@code nightjar.recommend.*}: the lists. */
  public static final class Recommend {
    private Recommend() {}

    public static final ConfigKey<Integer> K =
        ConfigKey.integer("nightjar.recommend.k", RecommendSettings.DEFAULT_K, 1, 10_000, "list length");
    public static final ConfigKey<Integer> CANDIDATES_PER_SOURCE = ConfigKey.integer("nightjar.recommend.candidatesPerSource",
        RecommendSettings.DEFAULT_CANDIDATES_PER_SOURCE, 1, 10_000, "candidates from each source per user");
    /** {@code nightjar.recommend.weight.<source>}, default {@link Source#defaultWeight()}. */
    public static final Map<Source, ConfigKey<Double>> WEIGHT = perSource(s -> ConfigKey.number("nightjar.recommend.weight." + s.id(),
        s.defaultWeight(), 0, 1_000, "blend weight of the " + s.id() + " source; 0 = not computed"));
    public static final ConfigKey<Double> MMR_LAMBDA = ConfigKey.number("nightjar.recommend.mmrLambda",
        RecommendSettings.DEFAULT_MMR_LAMBDA, 0, 1, "1 = pure score order; lower = more diverse (MMR)");
    public static final ConfigKey<Integer> CATEGORY_CAP = ConfigKey.integer("nightjar.recommend.categoryCap",
        RecommendSettings.DEFAULT_CATEGORY_CAP, 1, 10_000, "items per category in the exploitation part");
    public static final ConfigKey<List<Integer>> EXPLORE_RANKS = ConfigKey.of("nightjar.recommend.exploreRanks",
        RecommendSettings.DEFAULT_EXPLORE_RANKS, "comma-separated ranks within 1..k",
        "ranks reserved for exploration; empty = pure exploitation", (key, text) -> {
          List<Integer> ranks = new ArrayList<>();
          for (String rank : ConfigKey.split(text)) {
            try {
              ranks.add(Integer.parseInt(rank));
            } catch (NumberFormatException e) {
              throw new ConfigException(key + ": '" + rank + "' is not a rank; give comma-separated integers within 1..k ("
                  + "nightjar.recommend.k)");
            }
          }
          return List.copyOf(ranks);
        });
    public static final ConfigKey<Integer> PROPENSITY_SAMPLES = ConfigKey.integer("nightjar.recommend.propensitySamples",
        RecommendSettings.DEFAULT_PROPENSITY_SAMPLES, 1, 1_000_000, "draws estimating each exploration row's propensity");
    public static final ConfigKey<Map<String, Integer>> REPURCHASE_DAYS = ConfigKey.of("nightjar.recommend.repurchaseDays", "",
        "comma-separated Category:days, e.g. Grocery:14,Pets:30", "consumable categories and their reorder interval in days",
        (key, text) -> {
          Map<String, Integer> days = new LinkedHashMap<>();
          for (String entry : ConfigKey.split(text)) {
            String[] parts = entry.split(":");
            try {
              days.put(parts[0].trim(), Integer.parseInt(parts[1].trim()));
            } catch (RuntimeException e) {
              throw new ConfigException(key + ": '" + entry + "' is not Category:days (e.g. Grocery:14)");
            }
          }
          return Collections.unmodifiableMap(days);
        });
    public static final ConfigKey<List<String>> BLOCKLIST =
        ConfigKey.list("nightjar.recommend.blocklist", "", "comma-separated item ids", "item ids never recommended");
    public static final ConfigKey<Integer> TRENDING_DAYS = ConfigKey.integer("nightjar.recommend.trendingDays",
        RecommendSettings.DEFAULT_TRENDING_DAYS, 1, 365, "trending = decayed popularity over this many days");
    public static final ConfigKey<Double> TRENDING_HALF_LIFE_DAYS = ConfigKey.number("nightjar.recommend.trendingHalfLifeDays",
        RecommendSettings.DEFAULT_TRENDING_HALF_LIFE_DAYS, 0.01, 365, "half-life of the trending decay");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("nightjar.recommend.seed",
        RecommendSettings.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE, "seed of the exploration policy (with user and date)");
    public static final ConfigKey<Integer> EXPLORE_CATEGORIES = ConfigKey.integer("nightjar.recommend.exploreCategories",
        RecommendSettings.DEFAULT_EXPLORE_CATEGORIES, 0, 10_000, "largest categories searched for exploration candidates");
  }

  /** {@code nightjar.privacy.rawRetentionDays}, {@code vacuumRetentionHours}: the {@code retention} and {@code forget} commands. */
  public static final class Retention {
    private Retention() {}

    public static final ConfigKey<Integer> RAW_RETENTION_DAYS = ConfigKey.integer("nightjar.privacy.rawRetentionDays",
        RetentionSettings.DEFAULT_RAW_RETENTION_DAYS, 1, 36_500, "retention --date D deletes raw events older than D minus this");
    public static final ConfigKey<Integer> VACUUM_RETENTION_HOURS = ConfigKey.integer("nightjar.privacy.vacuumRetentionHours",
        RetentionSettings.DEFAULT_VACUUM_RETENTION_HOURS, 0, 87_600, "VACUUM keeps files removed less than this many hours ago");
  }

  /** {@code nightjar.cooccurrence.*}: the co-occurrence item-item source. */
  public static final class CoOccurrence {
    private CoOccurrence() {}

    public static final ConfigKey<CoOccurrenceParams.Similarity> SIMILARITY = similarity();
    public static final ConfigKey<Integer> MIN_CO_COUNT = ConfigKey.integer("nightjar.cooccurrence.minCoCount",
        CoOccurrenceParams.DEFAULT_MIN_CO_COUNT, 1, 1_000_000, "pairs chosen together by fewer users are dropped");
    public static final ConfigKey<Integer> MAX_ITEMS_PER_USER = ConfigKey.integer("nightjar.cooccurrence.maxItemsPerUser",
        CoOccurrenceParams.DEFAULT_MAX_ITEMS_PER_USER, 1, 100_000, "each user's most affine items that count");
    public static final ConfigKey<Integer> NEIGHBOURS = ConfigKey.integer("nightjar.cooccurrence.neighbours",
        CoOccurrenceParams.DEFAULT_NEIGHBOURS_PER_ITEM, 1, 10_000, "neighbours kept per item");
    public static final ConfigKey<Boolean> WEIGHTED_AFFINITY = ConfigKey.bool("nightjar.cooccurrence.weightedAffinity",
        CoOccurrenceParams.DEFAULT_WEIGHTED_AFFINITY, "true = time-decayed affinities, false = 0/1");

    private static ConfigKey<CoOccurrenceParams.Similarity> similarity() {
      List<String> names = Arrays.stream(CoOccurrenceParams.Similarity.values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList();
      ConfigKey<String> choice = ConfigKey.choice("nightjar.cooccurrence.similarity",
          CoOccurrenceParams.DEFAULT_SIMILARITY.name().toLowerCase(Locale.ROOT), names, "item-item similarity");
      return ConfigKey.of(choice.name(), choice.defaultText(), choice.allowed(), choice.doc(),
          (key, text) -> CoOccurrenceParams.Similarity.parse(choice.parse(text)));
    }
  }

  /** {@code nightjar.ease.*}: the EASE item-item source. */
  public static final class Ease {
    private Ease() {}

    public static final ConfigKey<Double> LAMBDA =
        ConfigKey.number("nightjar.ease.lambda", EaseParams.DEFAULT_LAMBDA, 1e-6, 1e9, "EASE L2 regularisation λ");
    public static final ConfigKey<Integer> MAX_ITEMS = ConfigKey.integer("nightjar.ease.maxItems", EaseParams.DEFAULT_MAX_ITEMS,
        1, EaseParams.MAX_ITEMS, "EASE covers this many most active items");
    public static final ConfigKey<Long> DRIVER_BUDGET_MB = ConfigKey.longInteger("nightjar.ease.driverBudgetMb",
        EaseParams.DEFAULT_DRIVER_BUDGET_BYTES >> 20, 1, 1_000_000, "driver memory the item-item inverse may take, in MB");
    public static final ConfigKey<Boolean> BINARIZE =
        ConfigKey.bool("nightjar.ease.binarize", EaseParams.DEFAULT_BINARIZE, "true = 0/1 interactions, false = weights");
  }

  /** {@code nightjar.evaluate.*}: offline evaluation (docs/evaluation.md). */
  public static final class Evaluate {
    private Evaluate() {}

    public static final ConfigKey<String> SPLIT = ConfigKey.choice("nightjar.evaluate.split", EvaluateSettings.DEFAULT_SPLIT,
        EvaluateSettings.SPLITS, "how the events are split into training and test parts");
    public static final ConfigKey<Integer> HOLDOUT_DAYS = ConfigKey.integer("nightjar.evaluate.holdoutDays",
        EvaluateSettings.DEFAULT_HOLDOUT_DAYS, 1, 3_650, "temporal: the test part is the last this many days");
    public static final ConfigKey<Double> RATIO = ConfigKey.number("nightjar.evaluate.ratio", EvaluateSettings.DEFAULT_RATIO,
        0.01, 0.99, "stratified: share of each user's events kept for training");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("nightjar.evaluate.seed", EvaluateSettings.DEFAULT_SEED,
        Long.MIN_VALUE, Long.MAX_VALUE, "stratified: seed of the per-user split");
    public static final ConfigKey<Integer> LAST_N = ConfigKey.integer("nightjar.evaluate.lastN", EvaluateSettings.DEFAULT_LAST_N,
        1, 1_000, "last-n: each user's latest n events are the test part");
    public static final ConfigKey<List<Integer>> KS = ConfigKey.of("nightjar.evaluate.ks", EvaluateSettings.DEFAULT_KS,
        "comma-separated cut-offs, e.g. 5,10,20", "cut-offs the metrics are computed at", (key, text) -> {
          List<Integer> ks = new ArrayList<>();
          for (String k : ConfigKey.split(text)) {
            try {
              ks.add(Integer.parseInt(k));
            } catch (NumberFormatException e) {
              throw new ConfigException(key + ": '" + k + "' is not a whole number; give comma-separated cut-offs, e.g. 5,10,20");
            }
          }
          if (ks.isEmpty() || ks.stream().anyMatch(k -> k < 1 || k > 1_000)) {
            throw new ConfigException(key + ": give one or more cut-offs within 1..1000, got " + ks);
          }
          return List.copyOf(ks);
        });
    public static final ConfigKey<List<String>> VARIANTS = ConfigKey.of("nightjar.evaluate.variants",
        EvaluateSettings.DEFAULT_VARIANTS, "comma-separated of " + EvaluateSettings.ALLOWED_VARIANTS, "what is scored",
        (key, text) -> {
          List<String> variants = ConfigKey.split(text);
          for (String v : variants) {
            if (!v.matches("popular|item_knn|als|content|ease|cooccurrence|blend|tuned|als_spark_default|blend_explore_[1-9][0-9]*")) {
              throw new ConfigException(key + ": unknown variant '" + v
                  + "'; allowed: " + EvaluateSettings.ALLOWED_VARIANTS + " (E = exploration slots, e.g. blend_explore_2)");
            }
          }
          return variants;
        });
    public static final ConfigKey<Integer> FRONTIER_K = ConfigKey.integer("nightjar.evaluate.frontierK",
        EvaluateSettings.DEFAULT_FRONTIER_K, 1, 1_000, "blend_explore_E spreads its slots over ranks 1..frontierK");
    public static final ConfigKey<List<String>> RELEVANT_EVENTS = ConfigKey.of("nightjar.evaluate.relevantEvents",
        EvaluateSettings.DEFAULT_RELEVANT_EVENTS, "comma-separated event types of " + EventTypes.ALL,
        "event types whose test items count as relevant", (key, text) -> {
          List<String> types = ConfigKey.split(text);
          for (String type : types) {
            if (!EventTypes.ALL.contains(type)) {
              throw new ConfigException(key + ": unknown event type '" + type + "'; allowed: " + EventTypes.ALL);
            }
          }
          return types;
        });
    public static final ConfigKey<Integer> NEW_USER_MAX_TRAIN_INTERACTIONS = ConfigKey.integer(
        "nightjar.evaluate.newUserMaxTrainInteractions", EvaluateSettings.DEFAULT_NEW_USER_MAX_TRAIN_INTERACTIONS, 0, 1_000_000,
        "users with at most this many training events form the new_users slice");
  }

  /** {@code nightjar.publish.*}: the publication gate. */
  public static final class Publish {
    private Publish() {}

    public static final ConfigKey<List<String>> GATE = ConfigKey.list("nightjar.publish.gate", PublishSettings.DEFAULT_GATE,
        "comma-separated metric@k, e.g. ndcg@10,coverage@10", "metrics of the served variant the gate checks");
    public static final ConfigKey<String> VARIANT = ConfigKey.text("nightjar.publish.variant", PublishSettings.DEFAULT_VARIANT,
        "the evaluation variant the gate reads");
    public static final ConfigKey<Double> TOLERANCE = ConfigKey.number("nightjar.publish.tolerance", PublishSettings.DEFAULT_TOLERANCE,
        0, 1, "largest relative drop against the last published night");
  }

  /** {@code nightjar.privacy.*} but retention: pseudonym key, differential privacy, k-anonymity (docs/privacy.md). */
  public static final class Privacy {
    private Privacy() {}

    public static final ConfigKey<String> PSEUDONYM_KEY_FILE = ConfigKey.text("nightjar.privacy.pseudonymKeyFile", "",
        "a secret file holding the pseudonym key as hex; empty = the environment or an embedded run's local key");
    public static final ConfigKey<DpParams> EPSILON = ConfigKey.of("nightjar.privacy.epsilon", PrivacySettings.DEFAULT_EPSILON,
        "'" + DpParams.OFF + "' (exact counts) or a number > 0 (smaller = more noise)", "ε of the discrete Laplace noise on trending popularity",
        (key, text) -> {
          try {
            return DpParams.parse(text);
          } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = '" + text + "' is not allowed: expected '" + DpParams.OFF
                + "' (exact counts) or a number > 0 (smaller = more noise)");
          }
        });
    public static final ConfigKey<Integer> TRENDING_ITEMS_PER_USER = ConfigKey.integer("nightjar.privacy.trendingItemsPerUser",
        PrivacySettings.DEFAULT_TRENDING_ITEMS_PER_USER, 1, 100_000, "with ε on: items each user counts for at most");
    public static final ConfigKey<Double> TRENDING_MAX_WEIGHT = ConfigKey.number("nightjar.privacy.trendingMaxWeight",
        PrivacySettings.DEFAULT_TRENDING_MAX_WEIGHT, 0.001, 1_000_000, "with ε on: each (user, item) weight is clipped to this");
    public static final ConfigKey<Integer> TRENDING_GRID = ConfigKey.integer("nightjar.privacy.trendingGrid",
        PrivacySettings.DEFAULT_TRENDING_GRID, 1, 1_000_000,
        "with ε on: weights are rounded to, and popularity released on, multiples of 1/this");
    public static final ConfigKey<Integer> K_ANONYMITY = ConfigKey.integer("nightjar.privacy.kAnonymity",
        PrivacySettings.DEFAULT_K_ANONYMITY, 1, 1_000_000, "analyst outputs drop groups of fewer distinct users");
  }

  /** {@code nightjar.tune.*}: the automatic tuning stage and its search space (docs/evaluation.md). */
  public static final class Tune {
    private Tune() {}

    public static final ConfigKey<String> USE = ConfigKey.choice("nightjar.tune.use", TuneSettings.DEFAULT_USE, TuneSettings.USES,
        "latest = train and recommend overlay the latest chosen parameters; off = never");
    public static final ConfigKey<Integer> EVERY_DAYS = ConfigKey.integer("nightjar.tune.everyDays", TuneSettings.DEFAULT_EVERY_DAYS,
        1, 3_650, "the nightly DAG re-tunes when the last tuning is this many days old");
    public static final ConfigKey<Integer> BUDGET_SECONDS = ConfigKey.integer("nightjar.tune.budgetSeconds",
        TuneSettings.DEFAULT_BUDGET_SECONDS, 1, 7 * 24 * 3_600, "no new model trial starts after this many seconds");
    public static final ConfigKey<Long> SEED = ConfigKey.longInteger("nightjar.tune.seed", TuneSettings.DEFAULT_SEED,
        Long.MIN_VALUE, Long.MAX_VALUE, "seed of the random search");
    public static final ConfigKey<Integer> MODEL_TRIALS = ConfigKey.integer("nightjar.tune.modelTrials",
        TuneSettings.DEFAULT_MODEL_TRIALS, 1, 1_000, "model configurations tried (one ALS and EASE retrain each)");
    public static final ConfigKey<Integer> LIST_TRIALS = ConfigKey.integer("nightjar.tune.listTrials",
        TuneSettings.DEFAULT_LIST_TRIALS, 1, 10_000, "list settings scored per model configuration");
    public static final ConfigKey<Integer> HOLDOUT_DAYS = ConfigKey.integer("nightjar.tune.holdoutDays",
        TuneSettings.DEFAULT_HOLDOUT_DAYS, 1, 3_650, "temporal validation: the last this many days");
    public static final ConfigKey<Double> RATIO = ConfigKey.number("nightjar.tune.ratio", TuneSettings.DEFAULT_RATIO, 0.01, 0.99,
        "stratified validation: share of each user's events kept for fitting");
    public static final ConfigKey<String> METRIC = ConfigKey.of("nightjar.tune.metric", TuneSettings.DEFAULT_METRIC,
        "metric@k with metric one of " + TuneSettings.METRICS, "what is maximised on the validation part",
        (key, text) -> TuneSettings.checkMetric(text.trim()));
    public static final ConfigKey<Double> MIN_IMPROVEMENT_SE = ConfigKey.number("nightjar.tune.minImprovementSe",
        TuneSettings.DEFAULT_MIN_IMPROVEMENT_SE, 0, 100, "the best trial must beat the configured one by this many standard errors");

    public static final ConfigKey<List<Integer>> SPACE_ALS_RANK =
        ConfigKey.searchSpace("nightjar.tune.space.als.rank", Als.RANK, TuneSpace.DEFAULT_ALS_RANK);
    public static final ConfigKey<List<Double>> SPACE_ALS_REG_PARAM =
        ConfigKey.searchSpace("nightjar.tune.space.als.regParam", Als.REG_PARAM, TuneSpace.DEFAULT_ALS_REG_PARAM);
    public static final ConfigKey<List<Double>> SPACE_ALS_ALPHA =
        ConfigKey.searchSpace("nightjar.tune.space.als.alpha", Als.ALPHA, TuneSpace.DEFAULT_ALS_ALPHA);
    public static final ConfigKey<List<Integer>> SPACE_ALS_MAX_ITER =
        ConfigKey.searchSpace("nightjar.tune.space.als.maxIter", Als.MAX_ITER, TuneSpace.DEFAULT_ALS_MAX_ITER);
    public static final ConfigKey<List<Double>> SPACE_EASE_LAMBDA =
        ConfigKey.searchSpace("nightjar.tune.space.ease.lambda", Ease.LAMBDA, TuneSpace.DEFAULT_EASE_LAMBDA);
    public static final ConfigKey<List<Double>> SPACE_MMR_LAMBDA =
        ConfigKey.searchSpace("nightjar.tune.space.mmrLambda", Recommend.MMR_LAMBDA, TuneSpace.DEFAULT_MMR_LAMBDA);
    /** {@code nightjar.tune.space.weight.<source>}, default {@link Source#tuningWeights()}. */
    public static final Map<Source, ConfigKey<List<Double>>> SPACE_WEIGHT = perSource(s ->
        ConfigKey.searchSpace("nightjar.tune.space.weight." + s.id(), Recommend.WEIGHT.get(s), s.tuningWeights()));
  }

  /**
   * Collected on first use, not in ConfigKeys' own static initialiser: a group class (say {@code Recommend}) that is
   * initialised first calls {@link #perSource}, which initialises ConfigKeys, whose collection would then read the
   * group's still-null fields (the JVM lets a class's initialiser re-enter itself on the same thread).
   */
  private static final class Everything {
    static final List<ConfigKey<?>> ALL = collect();
  }

  /** Every key, sorted by name: what {@code bin/nightjar config} lists. */
  public static List<ConfigKey<?>> all() {
    return Everything.ALL;
  }

  private static <T> Map<Source, ConfigKey<T>> perSource(java.util.function.Function<Source, ConfigKey<T>> key) {
    Map<Source, ConfigKey<T>> keys = new EnumMap<>(Source.class);
    for (Source s : Source.values()) {
      keys.put(s, key.apply(s));
    }
    return Collections.unmodifiableMap(keys);
  }

  /** The public static keys (and maps of keys) of every group class above. */
  private static List<ConfigKey<?>> collect() {
    List<ConfigKey<?>> keys = new ArrayList<>();
    for (Class<?> group : ConfigKeys.class.getDeclaredClasses()) {
      for (Field f : group.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers()) || !Modifier.isPublic(f.getModifiers())) {
          continue;
        }
        Object value;
        try {
          value = f.get(null);
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read config key " + group.getSimpleName() + "." + f.getName(), e);
        }
        if (value instanceof ConfigKey<?> k) {
          keys.add(k);
        } else if (value instanceof Map<?, ?> family) {
          family.values().stream().filter(ConfigKey.class::isInstance).forEach(k -> keys.add((ConfigKey<?>) k));
        }
      }
    }
    keys.sort(Comparator.comparing(ConfigKey::name));
    for (int i = 1; i < keys.size(); i++) {
      if (keys.get(i).name().equals(keys.get(i - 1).name())) {
        throw new IllegalStateException("config key " + keys.get(i).name() + " is declared twice");
      }
    }
    return List.copyOf(keys);
  }
}

package dev.nightjar.jobs.config;

import dev.nightjar.jobs.config.ConfigKeys.Als;
import dev.nightjar.jobs.config.ConfigKeys.CoOccurrence;
import dev.nightjar.jobs.config.ConfigKeys.ColdStart;
import dev.nightjar.jobs.config.ConfigKeys.Ease;
import dev.nightjar.jobs.config.ConfigKeys.Embedding;
import dev.nightjar.jobs.config.ConfigKeys.Evaluate;
import dev.nightjar.jobs.config.ConfigKeys.Ingest;
import dev.nightjar.jobs.config.ConfigKeys.Interactions;
import dev.nightjar.jobs.config.ConfigKeys.Privacy;
import dev.nightjar.jobs.config.ConfigKeys.Profiles;
import dev.nightjar.jobs.config.ConfigKeys.Publish;
import dev.nightjar.jobs.config.ConfigKeys.Recommend;
import dev.nightjar.jobs.config.ConfigKeys.Retention;
import dev.nightjar.jobs.config.ConfigKeys.Tune;
import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.coldstart.ProjectionParams;
import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.models.text.EmbeddingParams;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.IngestParams;
import dev.nightjar.transforms.InteractionParams;
import dev.nightjar.transforms.InterestParams;
import dev.nightjar.transforms.privacy.Grid;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Reads a properties file plus {@code --set key=value} overrides into the typed settings: every value through its
 * {@link ConfigKey} (parsed, validated, the error naming the key and what is allowed), remembering which keys were
 * read so that any {@code nightjar.*} key nobody reads is reported as unknown. Keys under {@code spark.} are passed
 * to Spark as they are.
 *
 * <pre>{@code
 * ConfigReader r = ConfigReader.load(Path.of("conf/local.properties"), List.of("nightjar.als.rank=64"));
 * int rank = r.get(ConfigKeys.Als.RANK);  // 64
 * r.setting(ConfigKeys.Als.RANK);         // Setting[value=64, source=--set]
 * NightjarConfig config = r.readAll();    // every settings group; fails on an unknown key, suggesting the nearest
 * }</pre>
 */
public final class ConfigReader {
  public static final String NIGHTJAR_PREFIX = "nightjar.";
  public static final String SPARK_PREFIX = "spark.";
  /** The source of a value given on the command line ({@code --set key=value}). */
  public static final String SET = "--set";
  /** The source of a key nobody set. */
  public static final String DEFAULT = "default";

  /** A key's effective value (as text) and where it came from: {@link #DEFAULT}, the config file, or {@link #SET}. */
  public record Setting(String value, String source) {}

  private final Map<String, String> values;
  /** Per key in {@link #values}: the file it came from or {@link #SET}. */
  private final Map<String, String> sources;
  private final Map<String, ConfigKey<?>> read = new TreeMap<>();

  private ConfigReader(Map<String, String> values, Map<String, String> sources) {
    this.values = values;
    this.sources = sources;
  }

  /** Loads the file (when given, may be null), then applies the overrides ({@code key=value}) in order. */
  public static ConfigReader load(Path file, List<String> overrides) {
    if (file == null) {
      return withOverrides(new LinkedHashMap<>(), "defaults", overrides);
    }
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("config file " + file + " does not exist (given with --conf)");
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return load(in, file.toString(), overrides);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
  }

  /** Loads {@code .properties} text read from {@code origin} (named in messages), then applies the overrides. */
  public static ConfigReader load(Reader in, String origin, List<String> overrides) throws IOException {
    Properties props = new Properties();
    props.load(in);
    Map<String, String> values = new LinkedHashMap<>();
    props.stringPropertyNames().stream().sorted().forEach(k -> values.put(k, props.getProperty(k).trim()));
    return withOverrides(values, origin, overrides);
  }

  private static ConfigReader withOverrides(Map<String, String> values, String origin, List<String> overrides) {
    Map<String, String> sources = new LinkedHashMap<>();
    values.keySet().forEach(k -> sources.put(k, origin));
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException("--set takes key=value, got '" + override + "'");
      }
      String key = override.substring(0, eq).trim();
      values.put(key, override.substring(eq + 1).trim());
      sources.put(key, SET);
    }
    for (String key : values.keySet()) {
      if (!key.startsWith(NIGHTJAR_PREFIX) && !key.startsWith(SPARK_PREFIX)) {
        throw new ConfigException("unknown config key '" + key + "' in " + sources.get(key)
            + ": keys start with 'nightjar.' (Nightjar settings) or 'spark.' (passed to Spark)");
      }
    }
    return new ConfigReader(values, sources);
  }

  /** The key's value as configured, else its default; fails naming the key and what it allows. */
  public <T> T get(ConfigKey<T> key) {
    read.put(key.name(), key);
    String text = values.get(key.name());
    return text == null ? key.defaultValue() : key.parse(text);
  }

  /** The key's effective value as text (as configured, else its default) and where it came from. */
  public Setting setting(ConfigKey<?> key) {
    String text = values.get(key.name());
    return text == null ? new Setting(key.defaultText(), DEFAULT) : new Setting(text, sources.get(key.name()));
  }

  /** Every {@code spark.*} setting, for the session builder. */
  public Map<String, String> sparkSettings() {
    Map<String, String> spark = new TreeMap<>();
    values.forEach((k, v) -> {
      if (k.startsWith(SPARK_PREFIX)) {
        spark.put(k, v);
      }
    });
    return spark;
  }

  /**
   * Fails on any {@code nightjar.*} key that no setting read, naming where it was given (the file or {@code --set})
   * and the nearest known keys ({@link Suggestions}).
   */
  public void requireAllKnown() {
    StringBuilder message = new StringBuilder();
    for (String key : values.keySet()) {
      if (key.startsWith(NIGHTJAR_PREFIX) && !read.containsKey(key)) {
        message.append(message.isEmpty() ? "" : "\n").append("unknown config key ").append(key).append(" (in ").append(sources.get(key))
            .append(")");
        List<String> near = Suggestions.nearest(key, read.keySet());
        if (near.isEmpty()) {
          message.append(": no known key is close");
        } else {
          message.append(": did you mean");
          near.forEach(name -> message.append("\n  ").append(name).append(": ").append(read.get(name).describe()));
        }
      }
    }
    if (!message.isEmpty()) {
      throw new ConfigException(message.append("\n`nightjar config` lists every key.").toString());
    }
  }

  /** The keys read so far, by name. */
  Map<String, ConfigKey<?>> keysRead() {
    return java.util.Collections.unmodifiableMap(read);
  }

  /** Every settings group, then {@link #requireAllKnown()}. */
  public NightjarConfig readAll() {
    NightjarConfig config = read();
    requireAllKnown();
    return config;
  }

  /** Every settings group. */
  public NightjarConfig read() {
    return new NightjarConfig(
        new IngestParams(get(Ingest.MAX_EVENT_AGE_DAYS), get(Ingest.MAX_FUTURE_SKEW_HOURS)),
        interactions(),
        new AlsParams(get(Als.RANK), get(Als.REG_PARAM), get(Als.ALPHA), get(Als.MAX_ITER), get(Als.SEED), get(Als.NUM_BLOCKS)),
        recommend(),
        new EmbeddingSettings(
            new EmbeddingParams(get(Embedding.BATCH_SIZE), get(Embedding.MAX_LENGTH), get(Embedding.DEVICE)), get(Embedding.TEMPLATE)),
        new ProfileSettings(new InterestParams(get(Profiles.PRIOR_STRENGTH), get(Profiles.TOP_CATEGORIES)), get(Profiles.SEGMENTS),
            get(Profiles.SEED), get(Profiles.SIMILAR_ITEMS), get(Profiles.NEW_ITEM_DAYS), get(Profiles.AUDIENCE_SIZE)),
        new ProjectionParams(get(ColdStart.HIDDEN_SIZE), get(ColdStart.EPOCHS), get(ColdStart.BATCH_SIZE), get(ColdStart.LEARNING_RATE),
            get(ColdStart.HOLDOUT_SHARE), get(ColdStart.SEED), get(ColdStart.DEVICE), get(ColdStart.MAX_TRAINING_ITEMS)),
        new RetentionSettings(get(Retention.RAW_RETENTION_DAYS), get(Retention.VACUUM_RETENTION_HOURS)),
        new CoOccurrenceParams(get(CoOccurrence.SIMILARITY), get(CoOccurrence.MIN_CO_COUNT), get(CoOccurrence.MAX_ITEMS_PER_USER),
            get(CoOccurrence.NEIGHBOURS), CoOccurrenceParams.DEFAULT_TOP_N, get(CoOccurrence.WEIGHTED_AFFINITY)),
        new EaseParams(get(Ease.LAMBDA), get(Ease.MAX_ITEMS), get(Ease.DRIVER_BUDGET_MB) << 20, get(Ease.BINARIZE)),
        new EvaluateSettings(get(Evaluate.SPLIT), get(Evaluate.HOLDOUT_DAYS), get(Evaluate.RATIO), get(Evaluate.SEED),
            get(Evaluate.LAST_N), get(Evaluate.KS), get(Evaluate.VARIANTS), get(Evaluate.FRONTIER_K), get(Evaluate.RELEVANT_EVENTS),
            get(Evaluate.NEW_USER_MAX_TRAIN_INTERACTIONS)),
        new PublishSettings(get(Publish.GATE), get(Publish.VARIANT), get(Publish.TOLERANCE)),
        privacy(),
        tune(),
        sparkSettings());
  }

  private InteractionParams interactions() {
    Map<String, Double> weights = new LinkedHashMap<>();
    Interactions.WEIGHT.forEach((type, key) -> {
      double w = get(key);
      if (w > 0) {
        weights.put(type, w);
      }
    });
    return new InteractionParams(get(Interactions.LOOKBACK_DAYS), get(Interactions.HALF_LIFE_DAYS), weights,
        get(Interactions.BOT_MAX_EVENTS_PER_DAY), InteractionParams.Recency.of(get(Interactions.RECENCY)),
        get(Interactions.MAX_EVENTS_PER_USER));
  }

  private RecommendSettings recommend() {
    Map<String, Double> weights = new LinkedHashMap<>();
    Recommend.WEIGHT.forEach((source, key) -> weights.put(source.id(), get(key)));
    return new RecommendSettings(get(Recommend.K), get(Recommend.CANDIDATES_PER_SOURCE), weights, get(Recommend.MMR_LAMBDA),
        get(Recommend.CATEGORY_CAP), get(Recommend.EXPLORE_RANKS), get(Recommend.PROPENSITY_SAMPLES), get(Recommend.REPURCHASE_DAYS),
        get(Recommend.BLOCKLIST), get(Recommend.TRENDING_DAYS), get(Recommend.TRENDING_HALF_LIFE_DAYS), get(Recommend.SEED),
        get(Recommend.EXPLORE_CATEGORIES));
  }

  private PrivacySettings privacy() {
    String keyFile = get(Privacy.PSEUDONYM_KEY_FILE).trim();
    return new PrivacySettings(keyFile.isEmpty() ? Optional.empty() : Optional.of(Path.of(keyFile)), get(Privacy.EPSILON),
        get(Privacy.TRENDING_ITEMS_PER_USER), get(Privacy.TRENDING_MAX_WEIGHT), new Grid(get(Privacy.TRENDING_GRID)),
        get(Privacy.K_ANONYMITY));
  }

  private TuneSettings tune() {
    Map<String, List<Double>> weights = new LinkedHashMap<>();
    Tune.SPACE_WEIGHT.forEach((Source source, ConfigKey<List<Double>> key) -> weights.put(source.id(), get(key)));
    TuneSpace space = new TuneSpace(get(Tune.SPACE_ALS_RANK), get(Tune.SPACE_ALS_REG_PARAM), get(Tune.SPACE_ALS_ALPHA),
        get(Tune.SPACE_ALS_MAX_ITER), get(Tune.SPACE_EASE_LAMBDA), weights, get(Tune.SPACE_MMR_LAMBDA));
    return new TuneSettings(get(Tune.USE), get(Tune.EVERY_DAYS), get(Tune.BUDGET_SECONDS), get(Tune.SEED), get(Tune.MODEL_TRIALS),
        get(Tune.LIST_TRIALS), get(Tune.HOLDOUT_DAYS), get(Tune.RATIO), get(Tune.METRIC), get(Tune.MIN_IMPROVEMENT_SE), space);
  }
}

package dev.nightjar.jobs.config;

import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.coldstart.ProjectionParams;
import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.IngestParams;
import dev.nightjar.transforms.InteractionParams;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nightjar's typed configuration: one record per settings group (each in its own file, its keys in
 * {@link ConfigKeys}, read by {@link ConfigReader}), every default a named constant, unknown {@code nightjar.*} keys
 * rejected. {@code spark.*} keys go to the SparkSession.
 *
 * <pre>{@code
 * NightjarConfig config = NightjarConfig.load(Path.of("conf/local.properties"), List.of("nightjar.recommend.k=20"));
 * config.als().rank();
 * NightjarConfig small = config.with(new AlsParams(8, 0.1, 1.0, 5, 42L, 0)); // one group replaced
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

  private static final RecordComponent[] GROUPS = NightjarConfig.class.getRecordComponents();

  /** Defaults only (no file, no overrides). */
  public static NightjarConfig defaults() {
    return load(null, List.of());
  }

  /** Reads {@code file} (may be null) and the {@code key=value} overrides; fails on unknown or invalid keys. */
  public static NightjarConfig load(Path file, List<String> overrides) {
    return ConfigReader.load(file, overrides).readAll();
  }

  /**
   * Reads {@code .properties} text kept elsewhere than a local file (an experiment's settings in the lakehouse);
   * {@code origin} names it in messages. Fails on unknown or invalid keys.
   */
  public static NightjarConfig parse(String properties, String origin) {
    try {
      return ConfigReader.load(new java.io.StringReader(properties), origin, List.of()).readAll();
    } catch (java.io.IOException e) {
      throw new ConfigException("cannot read the settings in " + origin + ": " + e.getMessage());
    }
  }

  /** Every known key with its allowed values and default ({@code an integer in 1..1024 (default 32)}), by name. */
  public static Map<String, String> describeKeys() {
    Map<String, String> out = new LinkedHashMap<>();
    ConfigKeys.all().forEach(k -> out.put(k.name(), k.describe()));
    return out;
  }

  /**
   * Every Nightjar setting in force, one line per group ({@code als=AlsParams[rank=32, ...]}), in a
   * stable order; {@code spark.*} settings are left out (they do not change results and may hold
   * credentials). What a stage's run report records as {@code config}, so a night can be checked later
   * against the configuration it ran with ({@code bin/nightjar reproduce}).
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    for (RecordComponent c : GROUPS) {
      if (c.getName().equals("spark")) {
        continue;
      }
      out.append(c.getName()).append('=').append(component(c)).append('\n');
    }
    return out.toString();
  }

  /**
   * The same config with one settings group replaced: the component whose type is {@code group}'s (every group has
   * a type of its own), e.g. {@code config.with(newAlsParams)}; fails for an object that is no settings group.
   */
  public NightjarConfig with(Object group) {
    Object[] args = new Object[GROUPS.length];
    boolean replaced = false;
    for (int i = 0; i < GROUPS.length; i++) {
      boolean isGroup = GROUPS[i].getType() != Map.class && GROUPS[i].getType() == group.getClass();
      args[i] = isGroup ? group : component(GROUPS[i]);
      replaced |= isGroup;
    }
    if (!replaced) {
      throw new IllegalArgumentException(group.getClass().getName() + " is not a settings group of NightjarConfig");
    }
    try {
      Constructor<NightjarConfig> canonical =
          NightjarConfig.class.getDeclaredConstructor(Arrays.stream(GROUPS).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return canonical.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy NightjarConfig", e);
    }
  }

  /** The same config with other {@code recommend} settings (evaluation variants). */
  public NightjarConfig withRecommend(RecommendSettings other) {
    return with(other);
  }

  /** The same config with other ALS settings (tuning trials, the Spark-default ALS variant). */
  public NightjarConfig withAls(AlsParams other) {
    return with(other);
  }

  /** The same config with other EASE settings (tuning trials). */
  public NightjarConfig withEase(EaseParams other) {
    return with(other);
  }

  /** The same config with other tuning settings. */
  public NightjarConfig withTune(TuneSettings other) {
    return with(other);
  }

  private Object component(RecordComponent c) {
    try {
      return c.getAccessor().invoke(this);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read setting group " + c.getName(), e);
    }
  }
}

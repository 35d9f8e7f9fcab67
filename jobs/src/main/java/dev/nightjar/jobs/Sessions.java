package dev.nightjar.jobs;

import dev.nightjar.transforms.privacy.Pseudonyms;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the SparkSession for a job: Delta Lake's extensions, UTC, the {@code spark.*} settings
 * from the config. Under {@code spark-submit} the master comes from there; an embedded run
 * (no master given) uses {@code local[*]}.
 *
 * <pre>{@code
 * try (SparkSession spark = Sessions.open("nightjar ingest", config.spark())) { ... }
 * }</pre>
 */
public final class Sessions {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);

  /** Spark's setting that hides matching text in plan descriptions ({@code explain}, the SQL tab's text). */
  public static final String REDACTION_KEY = "spark.sql.redaction.string.regex";
  /** Spark's cap on the text of one plan (default: unbounded); see {@link #open}. */
  public static final String MAX_PLAN_STRING_KEY = "spark.sql.maxPlanStringLength";
  public static final String DEFAULT_MAX_PLAN_STRING_LENGTH = "200000";
  private static final String SPARK_HADOOP_PREFIX = "spark.hadoop.";

  private Sessions() {}

  /**
   * {@link Pseudonyms#REDACTION_REGEX} (the pseudonym key's padded form, a plan literal), or-ed with a
   * regex the config already gives, so plans never print the key (docs/privacy.md).
   */
  public static String redactionRegex(String configured) {
    return configured == null || configured.isBlank()
        ? Pseudonyms.REDACTION_REGEX
        : "(?:" + configured + ")|(?:" + Pseudonyms.REDACTION_REGEX + ")";
  }

  /**
   * Whether a session opened with these settings runs embedded (a {@code local} master): the same rule
   * {@link #open} applies, without opening a session. Only embedded runs may generate a pseudonym key.
   */
  public static boolean embedded(Map<String, String> sparkSettings) {
    SparkConf submitted = new SparkConf();
    String master = sparkSettings.getOrDefault("spark.master", submitted.get("spark.master", "local[*]"));
    return master.startsWith("local");
  }

  /**
   * The Hadoop configuration a session opened with these settings would have, without opening one: Hadoop's
   * defaults plus every {@code spark.hadoop.*} setting (from spark-submit, then the config) with its prefix removed,
   * as Spark applies them. Enough to find the FileSystem of a lakehouse URI before the session starts.
   */
  public static Configuration hadoopConfiguration(Map<String, String> sparkSettings) {
    Configuration conf = new Configuration();
    Map<String, String> settings = new java.util.LinkedHashMap<>();
    for (scala.Tuple2<String, String> kv : new SparkConf().getAll()) {
      settings.put(kv._1(), kv._2());
    }
    settings.putAll(sparkSettings);
    settings.forEach((key, value) -> {
      if (key.startsWith(SPARK_HADOOP_PREFIX)) {
        conf.set(key.substring(SPARK_HADOOP_PREFIX.length()), value);
      }
    });
    return conf;
  }

  public static SparkSession open(String appName, Map<String, String> sparkSettings) {
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.session.timeZone", "UTC")
            // Spark writes every query's plan as text for its listeners; the evaluation's and tune's plans (many
            // sources and variants unioned) make strings big enough to exhaust a driver's heap. Capped unless set.
            .config(MAX_PLAN_STRING_KEY, submitted.get(MAX_PLAN_STRING_KEY, DEFAULT_MAX_PLAN_STRING_LENGTH));
    if (!submitted.contains("spark.master") && !sparkSettings.containsKey("spark.master")) {
      builder.master("local[*]");
    }
    sparkSettings.forEach(builder::config);
    builder.config(REDACTION_KEY, redactionRegex(sparkSettings.getOrDefault(REDACTION_KEY, submitted.get(REDACTION_KEY, null))));
    SparkSession spark = builder.getOrCreate();
    LOG.info(
        "Spark {} on {} (default parallelism {}, shuffle partitions {})",
        spark.version(),
        spark.sparkContext().master(),
        spark.sparkContext().defaultParallelism(),
        spark.conf().get("spark.sql.shuffle.partitions"));
    return spark;
  }
}

package dev.nightjar.jobs;

import java.util.Map;
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

  private Sessions() {}

  public static SparkSession open(String appName, Map<String, String> sparkSettings) {
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder =
        SparkSession.builder()
            .appName(appName)
            .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
            .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
            .config("spark.sql.session.timeZone", "UTC");
    if (!submitted.contains("spark.master") && !sparkSettings.containsKey("spark.master")) {
      builder.master("local[*]");
    }
    sparkSettings.forEach(builder::config);
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

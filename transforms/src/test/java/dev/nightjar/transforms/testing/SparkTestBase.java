package dev.nightjar.transforms.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one shared Spark test harness: a single {@code local[2]} session with Delta Lake's extensions
 * per test JVM, small shuffles, UTC, and a temporary folder per test class.
 *
 * <pre>{@code
 * class MyTransformTest extends SparkTestBase {
 *   @Test void works() {
 *     Dataset<Row> in = spark().sql("SELECT 1 AS x");
 *     withSQLConf(Map.of("spark.sql.ansi.enabled", "false"), () -> in.count());
 *   }
 * }
 * }</pre>
 */
public abstract class SparkTestBase {
  private static SparkSession session;

  /** A folder that lives as long as the test class; use it for Delta tables and files. */
  @TempDir protected static Path tempDir;

  /** The shared session, created on first use. */
  public static synchronized SparkSession spark() {
    if (session == null) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("nightjar-tests")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config(
                  "spark.sql.catalog.spark_catalog",
                  "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.ui.enabled", "false")
              // One session serves every test class of a module: keep Spark's status store (which holds every
              // job, stage and SQL plan description even without a UI) from growing with the whole suite.
              .config("spark.sql.ui.retainedExecutions", "20")
              .config("spark.ui.retainedJobs", "50")
              .config("spark.ui.retainedStages", "50")
              .config("spark.ui.retainedTasks", "2000")
              // The text of one plan, made for Spark's listeners on every query: unbounded by default, and the
              // tuning tests' plans made strings that exhausted the heap (the same cap as Sessions.open).
              .config("spark.sql.maxPlanStringLength", "200000")
              .config("spark.databricks.delta.snapshotPartitions", "2")
              // VACUUM lists files in this many tasks (default 10,000): ~60 s per VACUUM of a tiny table
              .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", "2")
              .config("spark.sql.warehouse.dir", tempRoot().resolve("warehouse").toString())
              .config("spark.driver.host", "127.0.0.1")
              .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }

  @BeforeAll
  static void startSpark() {
    spark();
  }

  /** Runs {@code body} with the given SQL settings, restoring the previous values afterwards. */
  public static <T> T withSQLConf(Map<String, String> settings, Supplier<T> body) {
    SQLConf conf = spark().sessionState().conf();
    Map<String, Optional<String>> previous = new HashMap<>();
    settings.forEach(
        (key, value) -> {
          previous.put(key, conf.contains(key) ? Optional.of(conf.getConfString(key)) : Optional.empty());
          conf.setConfString(key, value);
        });
    try {
      return body.get();
    } finally {
      previous.forEach(
          (key, value) -> value.ifPresentOrElse(v -> conf.setConfString(key, v), () -> conf.unsetConf(key)));
    }
  }

  /** The folder holding the shared datasets ({@code ../shared} beside the checkout), when present. */
  public static Optional<Path> sharedDir() {
    String configured = System.getProperty("nightjar.shared.dir", "../shared");
    Path dir = Path.of(configured).toAbsolutePath().normalize();
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /** Rows of {@code df} as strings, sorted, for exact comparisons in assertions. */
  public static java.util.List<String> sortedRows(Dataset<Row> df) {
    return df.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static Path tempRoot() {
    try {
      return Files.createTempDirectory("nightjar-spark");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

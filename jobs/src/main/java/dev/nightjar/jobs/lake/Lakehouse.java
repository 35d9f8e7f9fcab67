package dev.nightjar.jobs.lake;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Delta tables under one root folder, with the only write patterns Nightjar uses — each safe
 * to rerun: replace one partition ({@code replaceWhere}), insert rows whose key is new
 * ({@code MERGE}), upsert by key ({@code MERGE}), and full overwrite of small derived tables.
 *
 * <pre>{@code
 * Lakehouse lake = new Lakehouse(spark, Path.of("lakehouse"));
 * long v = lake.version(Tables.EVENTS);
 * Dataset<Row> events = lake.readAt(Tables.EVENTS, v);
 * lake.replaceWhere(Tables.INTERACTIONS, rows, "run_date = DATE'2026-10-31'", "run_date");
 * }</pre>
 *
 * <p><b>Experiments.</b> {@link #experiment(String)} gives a lakehouse rooted at
 * {@code <root>/experiments/<name>} over this one: a table it has not written yet is read from the
 * base (production) lakehouse; the first write to such a table shallow-clones the base table into the
 * experiment (no data files copied) and writes there. So an experiment sees production's data, and
 * nothing it does reaches production's tables. VACUUM on production may remove files an old
 * experiment's clone still points to: experiments are for short-lived trials.
 *
 * <p><b>Workspaces.</b> {@link #workspace(String)} is the same overlay for the scratch lakehouses of
 * {@code evaluate} and {@code tune}, which rebuild each table they write for one date: their first write to a
 * table writes a fresh table of its own (only the rows written) instead of cloning production's, which saves a
 * clone (~5 s) per table; a table they never write is still read from the base.
 */
public final class Lakehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Lakehouse.class);

  /**
   * Test hook of the crash test ({@code CrashRecoveryTest}, docs/reliability.md): when this system
   * property is a positive number of milliseconds, {@link #replaceWhere} writes its rows in two tasks
   * and the second waits that long first, so one data file is on disk while the commit has not
   * happened yet — the window a {@code kill -9} must not corrupt. Unset in production.
   */
  public static final String PAUSE_BEFORE_COMMIT_PROPERTY = "nightjar.test.pauseBeforeCommitMillis";

  /** Folder under the root holding one lakehouse per experiment. */
  public static final String EXPERIMENTS_DIR = "experiments";
  private static final java.util.regex.Pattern EXPERIMENT_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  private final SparkSession spark;
  private final Path root;
  /** Where tables this lakehouse has not written yet are read from; null for a production lakehouse. */
  private final Lakehouse base;
  /** Table → the version {@link #version} answers instead of the current one (reproduction); empty normally. */
  private final Map<String, Long> pins;
  /** Whether the first write to a table only the base has clones it (experiments) or starts a fresh one (workspaces). */
  private final boolean cloneOnWrite;

  public Lakehouse(SparkSession spark, Path root) {
    this(spark, root, null, Map.of(), true);
  }

  private Lakehouse(SparkSession spark, Path root, Lakehouse base, Map<String, Long> pins, boolean cloneOnWrite) {
    this.spark = spark;
    this.root = root.toAbsolutePath().normalize();
    this.base = base;
    this.pins = Map.copyOf(pins);
    this.cloneOnWrite = cloneOnWrite;
  }

  /**
   * This lakehouse with {@link #version(String)} answering {@code versions} for the tables named there
   * instead of their current versions. Stages pin their inputs with {@code version} and read them with
   * {@link #readAt}, so a stage run on a pinned lakehouse reads exactly the recorded versions (Delta time
   * travel) — how {@code reproduce} rebuilds a night from its {@code run_report}. Tables not named are read
   * as usual. Pin only tables the stage reads and does not write.
   */
  public Lakehouse pinnedAt(Map<String, Long> versions) {
    return new Lakehouse(spark, root, base, versions, cloneOnWrite);
  }

  /** The versions this lakehouse is pinned at (empty unless made by {@link #pinnedAt}). */
  public Map<String, Long> pins() {
    return pins;
  }

  /** The root of the production lakehouse under any experiments: where an embedded run keeps its key. */
  public Path productionRoot() {
    return base == null ? root : base.productionRoot();
  }

  /**
   * The lakehouse of experiment {@code name} over this one (see the class comment).
   *
   * @throws IllegalArgumentException when the name is not letters, digits, '_', '-', '.'
   */
  public Lakehouse experiment(String name) {
    return overlay(name, true);
  }

  /**
   * The scratch lakehouse {@code name} over this one, under {@code experiments/} like an experiment, whose writes
   * start fresh tables instead of cloning the base's (see the class comment): for {@code evaluate} and {@code tune},
   * which overwrite the partition of their date in every table they write and read no other partition of it.
   */
  public Lakehouse workspace(String name) {
    return overlay(name, false);
  }

  private Lakehouse overlay(String name, boolean clone) {
    if (name == null || !EXPERIMENT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "experiment name '" + name + "' is not allowed: use 1-64 letters, digits, '_', '-' or '.', starting with a letter or digit");
    }
    return new Lakehouse(spark, root.resolve(EXPERIMENTS_DIR).resolve(name), this, Map.of(), clone);
  }

  /**
   * Deletes everything this experiment wrote (its folder), so a scratch run starts from production's
   * tables again. Refused for a production lakehouse.
   */
  public void clearExperiment() {
    if (base == null) {
      throw new IllegalStateException("clearExperiment() is for experiments only; " + root + " is a production lakehouse");
    }
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clear the experiment folder " + root, e);
    }
  }

  /** True for the lakehouse of an experiment (its writes never reach the base lakehouse). */
  public boolean isExperiment() {
    return base != null;
  }

  public Path root() {
    return root;
  }

  public SparkSession spark() {
    return spark;
  }

  /** The folder this lakehouse writes {@code table} to (under its own root). */
  public String path(String table) {
    return root.resolve(table).toString();
  }

  private boolean ownsTable(String table) {
    return Files.isDirectory(root.resolve(table).resolve("_delta_log"));
  }

  /** The folder {@code table} is read from: this lakehouse's own, else the base's. */
  public String readPath(String table) {
    if (ownsTable(table) || base == null || !base.exists(table)) {
      return path(table);
    }
    return base.readPath(table);
  }

  public boolean exists(String table) {
    return ownsTable(table) || (base != null && base.exists(table));
  }

  /** The current version of a table (or its pinned one, see {@link #pinnedAt}); fails with a hint when it does not exist. */
  public long version(String table) {
    requireExists(table);
    Long pinned = pins.get(table);
    if (pinned != null) {
      return pinned;
    }
    return DeltaTable.forPath(spark, readPath(table)).history(1).select("version").head().getLong(0);
  }

  /** The table as of its current version. */
  public Dataset<Row> read(String table) {
    requireExists(table);
    return spark.read().format("delta").load(readPath(table));
  }

  /** The table as of {@code version} (Delta time travel). */
  public Dataset<Row> readAt(String table, long version) {
    requireExists(table);
    return spark.read().format("delta").option("versionAsOf", version).load(readPath(table));
  }

  /**
   * Makes {@code table} this lakehouse's own before a write: in an experiment, a table that only the
   * base has is shallow-cloned at its current version (Delta {@code SHALLOW CLONE}: the log is copied,
   * the data files are referenced). A no-op for production lakehouses and for workspaces, whose first write
   * creates the table.
   */
  private void ownBeforeWrite(String table) {
    if (cloneOnWrite) {
      cloneFromBase(table);
    }
  }

  private void cloneFromBase(String table) {
    if (base == null || ownsTable(table) || !base.exists(table)) {
      return;
    }
    String source = base.readPath(table);
    LOG.info("Experiment {}: shallow-cloning {} from {}", root.getFileName(), table, source);
    spark.sql("CREATE TABLE delta.`" + path(table) + "` SHALLOW CLONE delta.`" + source + "`");
  }

  /**
   * Turns on Delta's symlink-format manifests for {@code table} and writes the first one, so engines
   * without Delta support (DuckDB, Trino, Athena) read exactly the current files through
   * {@code <table>/_symlink_format_manifest/}; every later write keeps it exact. Idempotent.
   */
  public void enableSymlinkManifest(String table) {
    requireExists(table);
    cloneFromBase(table);
    DeltaTable delta = DeltaTable.forPath(spark, path(table));
    String key = "delta.compatibility.symlinkFormatManifest.enabled";
    if (!"true".equals(delta.detail().select("properties").head().<String, String>getJavaMap(0).get(key))) {
      spark.sql("ALTER TABLE delta.`" + path(table) + "` SET TBLPROPERTIES ('" + key + "' = 'true')");
      delta.generate("symlink_format_manifest");
    }
  }

  private void requireExists(String table) {
    if (!exists(table)) {
      throw new IllegalStateException(
          "table '" + table + "' does not exist under " + root
              + " — run the stage that writes it first (see `bin/nightjar --help`), or check --lakehouse");
    }
  }

  /** Replaces the rows matching {@code predicate} with {@code rows} atomically (creates the table when missing). */
  public void replaceWhere(String table, Dataset<Row> rows, String predicate, String... partitionColumns) {
    LOG.info("Writing {} where {}", table, predicate);
    ownBeforeWrite(table);
    rows = pausedBeforeCommit(rows);
    if (!ownsTable(table)) {
      rows.write().format("delta").partitionBy(partitionColumns).mode("errorifexists").save(path(table));
      return;
    }
    rows.write().format("delta").mode("overwrite").option("replaceWhere", predicate).save(path(table));
  }

  private static Dataset<Row> pausedBeforeCommit(Dataset<Row> rows) {
    long millis = Long.getLong(PAUSE_BEFORE_COMMIT_PROPERTY, 0L);
    if (millis <= 0) {
      return rows;
    }
    LOG.warn("{}={}: the second write task waits before writing (crash test only)", PAUSE_BEFORE_COMMIT_PROPERTY, millis);
    return rows.repartition(2).mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
      if (TaskContext.getPartitionId() > 0) {
        Thread.sleep(millis);
      }
      return it;
    }, Encoders.row(rows.schema()));
  }

  /** Replaces the whole table with {@code rows} atomically. */
  public void overwrite(String table, Dataset<Row> rows, String... partitionColumns) {
    LOG.info("Overwriting {}", table);
    rows.write()
        .format("delta")
        .partitionBy(partitionColumns)
        .mode("overwrite")
        .option("overwriteSchema", "false")
        .save(path(table));
  }

  /**
   * Inserts the rows of {@code rows} whose key is not in the table yet (MERGE … WHEN NOT MATCHED
   * INSERT), so loading the same rows twice adds nothing. {@code rows} must have unique keys.
   *
   * @return the number of rows inserted
   */
  public long insertNew(String table, Dataset<Row> rows, List<String> keys, String... partitionColumns) {
    ownBeforeWrite(table);
    if (!ownsTable(table)) {
      rows.write().format("delta").partitionBy(partitionColumns).mode("errorifexists").save(path(table));
      return read(table).count();
    }
    long before = version(table);
    DeltaTable.forPath(spark, path(table))
        .as("t")
        .merge(rows.as("s"), keyCondition(keys))
        .whenNotMatched()
        .insertAll()
        .execute();
    return insertedRows(table, before);
  }

  /** Upserts {@code rows} by key (MERGE … UPDATE ALL / INSERT ALL). {@code rows} must have unique keys. */
  public void upsert(String table, Dataset<Row> rows, List<String> keys, String... partitionColumns) {
    ownBeforeWrite(table);
    if (!ownsTable(table)) {
      rows.write().format("delta").partitionBy(partitionColumns).mode("errorifexists").save(path(table));
      return;
    }
    DeltaTable.forPath(spark, path(table))
        .as("t")
        .merge(rows.as("s"), keyCondition(keys))
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  private static Column keyCondition(List<String> keys) {
    return keys.stream()
        .map(k -> col("t." + k).eqNullSafe(col("s." + k)))
        .reduce(Column::and)
        .orElseThrow(() -> new IllegalArgumentException("at least one key column is needed"));
  }

  private long insertedRows(String table, long sinceVersion) {
    Row last =
        DeltaTable.forPath(spark, path(table))
            .history(1)
            .select(col("version"), col("operationMetrics"))
            .head();
    if (last.getLong(0) == sinceVersion) {
      return 0;
    }
    Map<String, String> metrics = last.getJavaMap(1);
    return Long.parseLong(metrics.getOrDefault("numTargetRowsInserted", "0"));
  }

  /** Names of the Delta tables this lakehouse reads (its own and, in an experiment, the base's). */
  public List<String> tableNames() {
    java.util.SortedSet<String> names = new java.util.TreeSet<>(base == null ? List.of() : base.tableNames());
    if (Files.isDirectory(root)) {
      try (Stream<Path> children = Files.list(root)) {
        children.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).forEach(p -> names.add(p.getFileName().toString()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(names);
  }

  /** Registers every table as a temporary view named after it, for Spark SQL. */
  public List<String> registerViews() {
    List<String> names = tableNames();
    for (String name : names) {
      read(name).createOrReplaceTempView(name);
    }
    return names;
  }

  /** A column list for error messages. */
  public static String columnsOf(Dataset<Row> df) {
    return Arrays.toString(df.columns());
  }
}

package dev.nightjar.jobs.lake;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.hadoop.util.VersionInfo;
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
 * <p><b>The root is a URI.</b> {@code s3a://bucket/nightjar}, {@code abfss://c@account.dfs.core.windows.net/nightjar},
 * {@code gs://bucket/nightjar}, {@code hdfs://nn/nightjar} or {@code file:/data/nightjar}; a bare path is a local
 * folder ({@code lakehouse} → {@code file:/home/me/lakehouse}). Every table, marker file and listing goes through
 * the root's Hadoop {@link FileSystem} (with the session's Hadoop configuration) and Delta, never through
 * {@code java.nio.file}, so the same code runs embedded on a laptop and under {@code spark-submit} against object
 * storage. A scheme no FileSystem on the classpath serves fails at once ({@link #rootOf}).
 *
 * <pre>{@code
 * Lakehouse lake = new Lakehouse(spark, "s3a://bucket/nightjar");   // or new Lakehouse(spark, Path.of("lakehouse"))
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

  /** The scheme of local roots, which {@link #localRoot()} answers for. */
  public static final String LOCAL_SCHEME = "file";

  private final SparkSession spark;
  /** Qualified: always with a scheme ({@code file:/abs/lakehouse}, {@code s3a://bucket/nightjar}). */
  private final Path root;
  /** Where tables this lakehouse has not written yet are read from; null for a production lakehouse. */
  private final Lakehouse base;
  /** Table → the version {@link #version} answers instead of the current one (reproduction); empty normally. */
  private final Map<String, Long> pins;
  /** Whether the first write to a table only the base has clones it (experiments) or starts a fresh one (workspaces). */
  private final boolean cloneOnWrite;

  /**
   * The lakehouse at {@code root}: a URI ({@code s3a://bucket/nightjar}, {@code file:/data/lake}) or a bare local path.
   *
   * @throws IllegalArgumentException when no Hadoop FileSystem serves the root's scheme (see {@link #rootOf})
   */
  public Lakehouse(SparkSession spark, String root) {
    this(spark, rootOf(root, spark.sparkContext().hadoopConfiguration()), null, Map.of(), true);
  }

  /** The lakehouse in a local folder (tests, embedded runs): {@code new Lakehouse(spark, Path.of("lakehouse"))}. */
  public Lakehouse(SparkSession spark, java.nio.file.Path root) {
    this(spark, localPath(root), null, Map.of(), true);
  }

  private Lakehouse(SparkSession spark, Path root, Lakehouse base, Map<String, Long> pins, boolean cloneOnWrite) {
    this.spark = spark;
    this.root = root;
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

  /**
   * The qualified root for {@code given}, as {@code --lakehouse} takes it: a URI with a scheme stays as it is
   * ({@code s3a://bucket/nightjar}); a bare path, or a {@code file:} URI, becomes an absolute local {@code file:} path
   * ({@code lakehouse} → {@code file:/home/me/lakehouse}).
   *
   * <pre>{@code
   * Path root = Lakehouse.rootOf("s3a://bucket/nightjar", spark.sparkContext().hadoopConfiguration());
   * }</pre>
   *
   * @throws IllegalArgumentException when no Hadoop FileSystem on the classpath (or in {@code conf}'s
   *     {@code fs.<scheme>.impl}) serves the scheme, naming the scheme and the jar that adds it; nothing is created
   */
  public static Path rootOf(String given, Configuration conf) {
    if (given == null || given.isBlank()) {
      throw new IllegalArgumentException("the lakehouse root is empty: give --lakehouse (a folder or a URI such as s3a://bucket/nightjar)");
    }
    Path path;
    try {
      path = new Path(given.strip());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the lakehouse root '" + given + "' is not a path or URI: " + e.getMessage(), e);
    }
    String scheme = path.toUri().getScheme();
    if (scheme == null || scheme.equals(LOCAL_SCHEME)) {
      return localPath(java.nio.file.Path.of(path.toUri().getPath()));
    }
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (UnsupportedFileSystemException e) {
      throw new IllegalArgumentException(missingFileSystem(given, scheme, "none is registered"), e);
    } catch (RuntimeException e) {
      // Hadoop's defaults name some classes (fs.s3a.impl = S3AFileSystem) whose jar may be missing.
      if (e.getCause() instanceof ClassNotFoundException missing) {
        throw new IllegalArgumentException(missingFileSystem(given, scheme, missing.getMessage()), e);
      }
      throw e;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look up the Hadoop FileSystem of " + given, e);
    }
    return path;
  }

  private static String missingFileSystem(String given, String scheme, String why) {
    String hadoop = VersionInfo.getVersion();
    String jar = switch (scheme) {
      case "s3a" -> "the hadoop-aws jar and its AWS SDK bundle (spark-submit --packages org.apache.hadoop:hadoop-aws:" + hadoop + ")";
      case "s3", "s3n" -> "the hadoop-aws jar and write s3a://… instead: Hadoop reads S3 through s3a (spark-submit --packages "
          + "org.apache.hadoop:hadoop-aws:" + hadoop + ")";
      case "abfs", "abfss", "wasb", "wasbs" -> "the hadoop-azure jar (spark-submit --packages org.apache.hadoop:hadoop-azure:" + hadoop + ")";
      case "gs" -> "the Google Cloud Storage connector (com.google.cloud.bigdataoss:gcs-connector, shaded, with --jars or --packages)";
      default -> "the jar of a Hadoop FileSystem for it (--jars or --packages), or set spark.hadoop.fs." + scheme + ".impl";
    };
    return "no Hadoop FileSystem for scheme '" + scheme + "' (--lakehouse " + given + ") on the classpath (" + why + "): add "
        + jar + ". Nothing was created.";
  }

  /** {@code folder} as an absolute, normalized {@code file:} path. */
  private static Path localPath(java.nio.file.Path folder) {
    return new Path(LOCAL_SCHEME, null, folder.toAbsolutePath().normalize().toString());
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
    return new Lakehouse(spark, new Path(new Path(root, EXPERIMENTS_DIR), name), this, Map.of(), clone);
  }

  /**
   * Deletes everything this experiment wrote (its folder), so a scratch run starts from production's
   * tables again. Refused for a production lakehouse.
   */
  public void clearExperiment() {
    if (base == null) {
      throw new IllegalStateException("clearExperiment() is for experiments only; " + root + " is a production lakehouse");
    }
    try {
      FileSystem fs = fileSystem();
      if (fs.exists(root) && !fs.delete(root, true)) {
        throw new IOException("the file system refused to delete it");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not clear the experiment folder " + root, e);
    }
  }

  /** True for the lakehouse of an experiment (its writes never reach the base lakehouse). */
  public boolean isExperiment() {
    return base != null;
  }

  /** The qualified root: {@code file:/abs/lakehouse}, {@code s3a://bucket/nightjar}, … */
  public Path root() {
    return root;
  }

  /**
   * The root as a local folder, for what is local by nature (tests, the demo's generated input).
   *
   * @throws IllegalStateException when the root is not a {@code file:} URI
   */
  public java.nio.file.Path localRoot() {
    return localFolder(root);
  }

  /**
   * {@code root} ({@link #rootOf}) as a local folder.
   *
   * @throws IllegalStateException when it is not a {@code file:} URI
   */
  public static java.nio.file.Path localFolder(Path root) {
    if (!LOCAL_SCHEME.equals(root.toUri().getScheme())) {
      throw new IllegalStateException("the lakehouse " + root + " is not a local folder (file:): this needs a local --lakehouse");
    }
    return java.nio.file.Path.of(root.toUri());
  }

  /**
   * The Hadoop FileSystem of the root, with the session's Hadoop configuration: for the files Nightjar keeps beside
   * its tables (markers, reports, experiment settings, see {@link LakeFiles}). On a local disk it is the raw local
   * file system, which writes no {@code .crc} side files.
   */
  public FileSystem fileSystem() {
    return fileSystem(root, spark.sparkContext().hadoopConfiguration());
  }

  /** {@code path}'s FileSystem (the raw one for local paths, see {@link #fileSystem()}). */
  public static FileSystem fileSystem(Path path, Configuration conf) {
    try {
      FileSystem fs = path.getFileSystem(conf);
      return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the file system of " + path, e);
    }
  }

  /** {@code name} (a file or folder name, or a relative path such as {@code reports/x.html}) under this lakehouse's root. */
  public Path file(String name) {
    return new Path(root, name);
  }

  public SparkSession spark() {
    return spark;
  }

  /** The folder this lakehouse writes {@code table} to (under its own root). */
  public String path(String table) {
    return file(table).toString();
  }

  private boolean ownsTable(String table) {
    return hasDeltaLog(fileSystem(), file(table));
  }

  private static boolean hasDeltaLog(FileSystem fs, Path folder) {
    try {
      return fs.getFileStatus(new Path(folder, "_delta_log")).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for the Delta log of " + folder, e);
    }
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
    LOG.info("Experiment {}: shallow-cloning {} from {}", root.getName(), table, source);
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
    FileSystem fs = fileSystem();
    try {
      if (fs.exists(root)) {
        for (FileStatus child : fs.listStatus(root)) {
          if (child.isDirectory() && hasDeltaLog(fs, child.getPath())) {
            names.add(child.getPath().getName());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the tables under " + root, e);
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

package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.config.ConfigReader;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.LakeFiles;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.StageContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/** Options every command takes: where the lakehouse is, which config file, and overrides. */
public final class CommonOptions {
  @Option(
      names = "--lakehouse",
      paramLabel = "URI",
      defaultValue = "${env:NIGHTJAR_LAKEHOUSE:-lakehouse}",
      description = "Root of the Delta tables: a local folder or a URI such as s3a://bucket/nightjar, abfss://…, gs://…, "
          + "hdfs://… (its Hadoop FileSystem must be on the classpath; default: ${DEFAULT-VALUE}; env NIGHTJAR_LAKEHOUSE).")
  String lakehouse;

  /** A local file: the command line's own input, read before the session starts. */
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "${env:NIGHTJAR_CONF}",
      description = "Config file (.properties: nightjar.* settings and spark.* settings); env NIGHTJAR_CONF. "
          + "Without it the built-in defaults apply. See `nightjar config`.")
  Path conf;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set nightjar.als.rank=64 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--experiment",
      paramLabel = "NAME",
      description = "Run in experiment NAME: read production's tables, write every output under "
          + "<lakehouse>/experiments/NAME/ (Delta shallow clones), never touching production. The config used "
          + "(--conf and --set) is saved there for `evaluate --experiments NAME`.")
  String experiment;

  /**
   * The lakehouse root given (--lakehouse), qualified ({@code file:/abs/lakehouse} for a folder); experiments live
   * under it and share its local key. Needs no session: a scheme without a Hadoop FileSystem fails here, naming
   * the jar to add, before anything starts or is created.
   */
  public org.apache.hadoop.fs.Path productionLakehouse(NightjarConfig config) {
    return Lakehouse.rootOf(lakehouse, Sessions.hadoopConfiguration(config.spark()));
  }

  public NightjarConfig config() {
    return configReader().readAll();
  }

  /** The reader of --conf and --set, for what each key's value is and where it came from ({@code config}). */
  public ConfigReader configReader() {
    return ConfigReader.load(conf, overrides);
  }

  /** The file an experiment's configuration is saved in, under its lakehouse. */
  public static final String EXPERIMENT_CONFIG = "experiment.properties";

  /** The configuration saved by the last run of experiment {@code name} under {@code lakehouse}. */
  public static NightjarConfig experimentConfig(Lakehouse lakehouse, String name) {
    Lakehouse experiment = lakehouse.experiment(name);
    org.apache.hadoop.fs.Path file = experiment.file(EXPERIMENT_CONFIG);
    String text = LakeFiles.readString(experiment.fileSystem(), file).orElseThrow(() -> new IllegalArgumentException(
        "experiment '" + name + "' has no " + file + ": run a stage or `nightly` with --experiment " + name + " first"));
    return NightjarConfig.parse(text, file.toString());
  }

  private void saveExperimentConfig(Lakehouse lake) {
    List<String> lines = new ArrayList<>();
    lines.add("# Configuration of experiment " + experiment + " (written by its last run: --conf " + conf + ", then --set overrides)");
    try {
      if (conf != null) {
        lines.addAll(Files.readAllLines(conf));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read --conf " + conf, e);
    }
    lines.addAll(overrides);
    LakeFiles.writeString(lake.fileSystem(), lake.file(EXPERIMENT_CONFIG), String.join("\n", lines) + "\n");
  }

  /** Loads the config, opens the session, runs {@code body}, and stops the session whatever happens. */
  public <T> T withContext(String appName, Function<StageContext, T> body) {
    NightjarConfig config = config();
    org.apache.hadoop.fs.Path root = productionLakehouse(config);
    SparkSession spark = Sessions.open(appName, config.spark());
    try {
      Lakehouse lake = new Lakehouse(spark, root.toString());
      if (experiment != null) {
        lake = lake.experiment(experiment);
        saveExperimentConfig(lake);
      }
      return body.apply(new StageContext(spark, lake, config));
    } finally {
      spark.stop();
    }
  }
}

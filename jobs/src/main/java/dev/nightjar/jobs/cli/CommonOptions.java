package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.StageContext;
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
      paramLabel = "PATH",
      defaultValue = "${env:NIGHTJAR_LAKEHOUSE:-lakehouse}",
      description = "Root folder of the Delta tables (default: ${DEFAULT-VALUE}; env NIGHTJAR_LAKEHOUSE).")
  Path lakehouse;

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

  public NightjarConfig config() {
    return NightjarConfig.load(conf, overrides);
  }

  /** Loads the config, opens the session, runs {@code body}, and stops the session whatever happens. */
  public <T> T withContext(String appName, Function<StageContext, T> body) {
    NightjarConfig config = config();
    SparkSession spark = Sessions.open(appName, config.spark());
    try {
      return body.apply(new StageContext(spark, new Lakehouse(spark, lakehouse), config));
    } finally {
      spark.stop();
    }
  }
}

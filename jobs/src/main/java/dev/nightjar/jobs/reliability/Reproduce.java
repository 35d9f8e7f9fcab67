package dev.nightjar.jobs.reliability;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.InteractionsStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.RecommendStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.stages.TunedParams;
import dev.nightjar.transforms.Columns;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MapType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds one stage of night D from the input versions its {@code run_report} row recorded (Delta time
 * travel), in the experiment lakehouse {@code reproduce-D} (cleared first; production is only read), and
 * compares the rebuilt output partition with the stored one row for row.
 *
 * <p>It holds when the stage is a function of its pinned inputs, the configuration and the pseudonym
 * key (seeds included), which is how every stage is written (docs/reliability.md). So run it with the
 * night's configuration — the stage's run report records its settings ({@code details.config}) and the result
 * names every settings group the rebuild ran with differently — and while the recorded versions can still be read: VACUUM removes the files of
 * versions older than {@code nightjar.privacy.vacuumRetentionHours}, and {@code forget} deliberately makes
 * the versions holding a forgotten user unreadable.
 *
 * <pre>{@code
 * Reproduce.Result r = Reproduce.run(ctx, LocalDate.parse("2026-10-31"), "recommend");
 * r.matches(); // true when every stored row was rebuilt and nothing else
 * }</pre>
 */
public final class Reproduce {
  private static final Logger LOG = LoggerFactory.getLogger(Reproduce.class);

  /** The stages that can be reproduced, with the table they write partition D of; their inputs are read-only to them. */
  public static final Map<String, String> OUTPUTS =
      Map.of(RecommendStage.NAME, Tables.RECOMMENDATIONS, InteractionsStage.NAME, Tables.INTERACTIONS);

  /** The experiment a reproduction of night {@code date} writes to. */
  public static String experimentName(LocalDate date) {
    return "reproduce-" + date;
  }

  private Reproduce() {}

  /**
   * What a reproduction found.
   *
   * @param stage the stage rebuilt
   * @param table the output table compared (partition {@code run_date = D})
   * @param versions the input versions read, as recorded in {@code run_report}
   * @param storedRows rows of D in production's table
   * @param rebuiltRows rows of D rebuilt
   * @param onlyStored stored rows the rebuild did not produce (counting duplicates)
   * @param onlyRebuilt rebuilt rows not stored
   * @param experimentRoot where the rebuilt table lies
   * @param configDifferences the settings groups whose values differ between the night's run and the rebuild
   *     ({@code "als: night AlsParams[...] / rebuild AlsParams[...]"}); empty when they are the same, or when
   *     the night recorded none (it ran before settings were recorded)
   */
  public record Result(String stage, String table, Map<String, Long> versions, long storedRows, long rebuiltRows,
      long onlyStored, long onlyRebuilt, Path experimentRoot, List<String> configDifferences) {
    public boolean matches() {
      return onlyStored == 0 && onlyRebuilt == 0 && storedRows == rebuiltRows;
    }
  }

  /**
   * The setting groups that differ between two {@code config} details ({@code NightjarConfig.describe()}
   * texts), each as {@code "group: night ... / rebuild ..."}; empty when either text is missing.
   */
  public static List<String> configDifferences(String night, String rebuild) {
    if (night == null || rebuild == null) {
      return List.of();
    }
    Map<String, String> a = groups(night);
    Map<String, String> b = groups(rebuild);
    java.util.Set<String> names = new java.util.TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    return names.stream().filter(n -> !java.util.Objects.equals(a.get(n), b.get(n)))
        .map(n -> n + ": night " + a.get(n) + " / rebuild " + b.get(n)).toList();
  }

  private static Map<String, String> groups(String describe) {
    Map<String, String> out = new TreeMap<>();
    for (String line : describe.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        out.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  /** The details {@code stage} recorded for {@code date} in {@code lake}'s run_report (empty when it has no row). */
  static Map<String, String> recordedDetails(Lakehouse lake, String stage, LocalDate date) {
    List<Row> rows = lake.read(Tables.RUN_REPORT)
        .where(col("stage").equalTo(stage).and(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date)))))
        .select("details").limit(1).collectAsList();
    return rows.isEmpty() ? Map.of() : new TreeMap<>(rows.get(0).<String, String>getJavaMap(0));
  }

  /**
   * The configuration to rebuild a night with: {@code config} overlaid with the tuned parameters the night
   * applied, as its run report recorded them ({@code details} {@code tuned_params}), not as {@code model_params}
   * reads today — a tuning run later for an earlier date must not change what a reproduction rebuilds.
   */
  public static NightjarConfig nightConfig(Map<String, String> details, NightjarConfig config) {
    String tuned = details.get(TunedParams.RECORDED_PARAMS);
    if (tuned == null) {
      return config;
    }
    Map<String, String> params = TunedParams.parseRecorded(tuned);
    LOG.info("Reproduce: applying the tuned parameters the night applied (tuned on {}): {}", details.get(TunedParams.RECORDED_FROM), params);
    return TunedParams.overlay(config, params);
  }

  /** The input versions {@code stage} recorded for {@code date} in production's {@code run_report}. */
  public static Map<String, Long> recordedVersions(Lakehouse lake, String stage, LocalDate date) {
    List<Row> rows = lake.exists(Tables.RUN_REPORT)
        ? lake.read(Tables.RUN_REPORT)
            .where(col("stage").equalTo(stage).and(col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date)))))
            .select("input_versions").collectAsList()
        : List.of();
    if (rows.isEmpty()) {
      throw new IllegalStateException("run_report has no row for stage " + stage + " on " + date
          + ": that night's " + stage + " never ran here, so there is nothing to reproduce");
    }
    Map<String, Long> versions = new TreeMap<>(rows.get(0).<String, Long>getJavaMap(0));
    if (versions.isEmpty()) {
      throw new IllegalStateException("run_report of " + stage + " on " + date + " recorded no input versions");
    }
    return versions;
  }

  /** Rebuilds {@code stage} for {@code date} from its recorded input versions and compares (see the class comment). */
  public static Result run(StageContext ctx, LocalDate date, String stage) {
    String table = OUTPUTS.get(stage);
    if (table == null) {
      throw new IllegalArgumentException("reproduce supports the stages " + new TreeMap<>(OUTPUTS).keySet() + ", not '" + stage + "'");
    }
    Lakehouse lake = ctx.lake();
    if (lake.isExperiment()) {
      throw new IllegalArgumentException("reproduce reads production's run_report and writes its own experiment: run it without --experiment");
    }
    ctx.spark().sparkContext().setJobGroup("reproduce", "nightjar reproduce " + stage + " " + date, false);
    Map<String, Long> versions = recordedVersions(lake, stage, date);
    Lakehouse experiment = lake.experiment(experimentName(date));
    experiment.clearExperiment();
    LOG.info("Reproducing {} of {} in {} from the recorded input versions {}", stage, date, experiment.root(), versions);
    Map<String, String> night = recordedDetails(lake, stage, date);
    NightjarConfig config = nightConfig(night, ctx.config());
    Pipeline.runStage(stage, new StageContext(ctx.spark(), experiment.pinnedAt(versions), config), date);

    Column day = col(Columns.RUN_DATE).equalTo(lit(Date.valueOf(date)));
    Dataset<Row> stored = comparable(lake.read(table).where(day));
    Dataset<Row> rebuilt = comparable(experiment.read(table).where(day));
    List<String> configDifferences = configDifferences(night.get(RunReport.CONFIG),
        recordedDetails(experiment, stage, date).get(RunReport.CONFIG));
    Result r = new Result(stage, table, versions, stored.count(), rebuilt.count(),
        stored.exceptAll(rebuilt).count(), rebuilt.exceptAll(stored).count(), experiment.root(), configDifferences);
    LOG.info("Reproduce {} {}: {} stored rows, {} rebuilt, {} only stored, {} only rebuilt", stage, date, r.storedRows(),
        r.rebuiltRows(), r.onlyStored(), r.onlyRebuilt());
    if (!configDifferences.isEmpty()) {
      LOG.warn("Reproduce {} {}: the rebuild ran with other settings than the night did: {}", stage, date, configDifferences);
    }
    return r;
  }

  /** Map columns as sorted entry arrays, so set operations can compare them. */
  private static Dataset<Row> comparable(Dataset<Row> df) {
    Column[] cols = Arrays.stream(df.schema().fields())
        .map(f -> f.dataType() instanceof MapType ? array_sort(map_entries(col(f.name()))).as(f.name()) : col(f.name()))
        .toArray(Column[]::new);
    return df.select(cols);
  }
}

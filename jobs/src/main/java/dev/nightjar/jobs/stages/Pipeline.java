package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.lake.RunReport;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly pipeline: the stages of {@link Stages#NIGHTLY} in order for one date, on the night's context
 * ({@link StageContext#forNight}), stopping early (status no_data) when there is nothing to learn from.
 *
 * <pre>{@code
 * List<RunReport> reports = Pipeline.nightly(ctx, LocalDate.parse("2026-10-31"));
 * }</pre>
 */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Stage names in run order, as the CLI and the Airflow DAG call them ({@link Stages#NIGHTLY}). */
  public static final List<String> STAGES = Stages.names(Stages.NIGHTLY);

  /** What follows the nightly stages in the Airflow DAG: offline evaluation, then the gated publication. */
  public static final List<String> GATE_STAGES = Stages.names(List.of(Stages.EVALUATE, Stages.PUBLISH));

  /**
   * The Airflow DAG's re-tuning task, between {@code profiles} and {@code train}: it tunes when the last tuning is
   * {@code nightjar.tune.everyDays} old (weekly by default) and skips otherwise; not part of {@link #nightly}.
   */
  public static final List<String> TUNE_STAGES = Stages.names(List.of(Stages.TUNE));

  private Pipeline() {}

  /** Runs one stage by name on the night's context of {@code date}, as its CLI command does. */
  public static RunReport runStage(String stage, StageContext ctx, LocalDate date) {
    return Stages.named(stage).run(StageContext.forNight(ctx, date), date);
  }

  /** Runs every stage for {@code date}; stops after a stage that found no data. */
  public static List<RunReport> nightly(StageContext ctx, LocalDate date) {
    StageContext night = StageContext.forNight(ctx, date);
    List<RunReport> reports = new ArrayList<>();
    for (Stage stage : Stages.NIGHTLY) {
      RunReport report = stage.run(night, date);
      reports.add(report);
      if (RunReport.STATUS_NO_DATA.equals(report.status()) && stage != Stages.INGEST && stage != Stages.EMBED_ITEMS) {
        LOG.warn("No data after {} for {}: later stages skipped, earlier nights' lists stay in place", stage.name(), date);
        break;
      }
    }
    return reports;
  }
}

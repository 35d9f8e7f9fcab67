package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.reliability.RetentionStage;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The nightly pipeline: the stages in order for one date, stopping early (status no_data) when there is nothing to learn from. */
public final class Pipeline {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

  /** Stage names in run order, as the CLI and the Airflow DAG call them. */
  public static final List<String> STAGES =
      List.of(IngestStage.NAME, EmbedItemsStage.NAME, InteractionsStage.NAME, ProfilesStage.NAME, TrainStage.NAME, RecommendStage.NAME);

  /** What follows the nightly stages in the Airflow DAG: offline evaluation, then the gated publication. */
  public static final List<String> GATE_STAGES = List.of(EvaluateStage.NAME, PublishStage.NAME);

  /**
   * The Airflow DAG's re-tuning task, between {@code profiles} and {@code train}: it tunes when the last tuning is
   * {@code nightjar.tune.everyDays} old (weekly by default) and skips otherwise; not part of {@link #nightly}.
   */
  public static final List<String> TUNE_STAGES = List.of(TuneStage.NAME);

  private Pipeline() {}

  /** Runs one stage by name. */
  public static RunReport runStage(String stage, StageContext ctx, LocalDate date) {
    long start = System.nanoTime();
    LOG.info("Stage {} for {} starting", stage, date);
    TunedParams.Applied applied = TunedParams.effective(ctx, stage, date);
    ctx = applied.ctx();
    RunReport report =
        switch (stage) {
          case IngestStage.NAME -> IngestStage.run(ctx, date);
          case EmbedItemsStage.NAME -> EmbedItemsStage.run(ctx, date);
          case InteractionsStage.NAME -> InteractionsStage.run(ctx, date);
          case ProfilesStage.NAME -> ProfilesStage.run(ctx, date);
          case TrainStage.NAME -> TrainStage.run(ctx, date);
          case RecommendStage.NAME -> RecommendStage.run(ctx, date);
          case EvaluateStage.NAME -> EvaluateStage.run(ctx, date);
          case PublishStage.NAME -> PublishStage.run(ctx, date);
          case TuneStage.NAME -> TuneStage.run(ctx, date);
          case RetentionStage.NAME -> RetentionStage.run(ctx, date); // its own command, not part of nightly
          default -> throw new IllegalArgumentException("unknown stage '" + stage + "'; stages: " + STAGES);
        };
    if (applied.chosen().isPresent()) {
      TunedParams.Chosen c = applied.chosen().get();
      report.detail(TunedParams.RECORDED_FROM, c.tunedOn()).detail(TunedParams.RECORDED_PARAMS, TunedParams.recorded(c.params())).write(ctx.lake());
    }
    LOG.info("Stage {} for {} done in {} s ({})", stage, date, String.format("%.1f", (System.nanoTime() - start) / 1e9), report.status());
    return report;
  }

  /** Runs every stage for {@code date}; stops after a stage that found no data. */
  public static List<RunReport> nightly(StageContext ctx, LocalDate date) {
    List<RunReport> reports = new ArrayList<>();
    for (String stage : STAGES) {
      RunReport report = runStage(stage, ctx, date);
      reports.add(report);
      if (RunReport.STATUS_NO_DATA.equals(report.status())
          && !stage.equals(IngestStage.NAME) && !stage.equals(EmbedItemsStage.NAME)) {
        LOG.warn("No data after {} for {}: later stages skipped, earlier nights' lists stay in place", stage, date);
        break;
      }
    }
    return reports;
  }
}

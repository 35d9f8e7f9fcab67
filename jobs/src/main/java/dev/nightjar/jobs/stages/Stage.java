package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.lake.RunReport;
import java.time.LocalDate;

/**
 * One stage of Nightjar for a logical date: its name (as the CLI, the Airflow DAG and {@code run_report} call
 * it), a one-line description (the CLI's help) and the run. The stages are listed once, in {@link Stages}.
 *
 * <pre>{@code
 * StageContext night = StageContext.forNight(ctx, date);
 * RunReport report = Stages.named("train").run(night, date);
 * }</pre>
 */
public interface Stage {
  /** The name, e.g. {@code embed-items}. */
  String name();

  /** What it does, in one line. */
  String description();

  /** Runs the stage for {@code date} on {@code ctx} (a night's context: {@link StageContext#forNight}). */
  RunReport run(StageContext ctx, LocalDate date);
}

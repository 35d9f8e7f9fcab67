package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.cli.StageCommand;
import picocli.CommandLine.Command;

/**
 * {@code retention --date D}: deletes raw events older than D minus {@code nightjar.privacy.rawRetentionDays}
 * (see {@link RetentionStage}).
 *
 * <pre>{@code
 * bin/nightjar retention --date 2026-10-31 --set nightjar.privacy.rawRetentionDays=400
 * }</pre>
 */
@Command(name = RetentionStage.NAME, mixinStandardHelpOptions = true,
    description = {"Delete raw events older than their retention, then VACUUM raw_events.",
        "Delete raw_events rows older than D minus nightjar.privacy.rawRetentionDays (by parsed event time; by",
        "import time when the timestamp does not parse), then VACUUM raw_events with nightjar.privacy.vacuumRetentionHours.",
        "The number deleted is in run_report (details.raw_events_deleted)."})
public final class RetentionCommand extends StageCommand {
  public RetentionCommand() {
    super(dev.nightjar.jobs.stages.Stages.RETENTION);
  }
}

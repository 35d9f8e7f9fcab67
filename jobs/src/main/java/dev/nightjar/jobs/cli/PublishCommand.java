package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.report.RunHtmlReport;
import dev.nightjar.jobs.stages.PublishStage;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code publish --date D}: serve D's lists when the gate passes (see {@link PublishStage}). */
@Command(name = "publish", mixinStandardHelpOptions = true,
    description = {
      "Serve D's lists (`published_recommendations`) when the publication gate passes.",
      "Promote D's lists to `published_recommendations` (what serving reads: one complete night, replaced atomically)",
      "if the gate passes: each of nightjar.publish.gate (metric@k of variant nightjar.publish.variant, from D's `metrics`)",
      "may be at most nightjar.publish.tolerance below the last published night. A refused night exits 2 with the metric",
      "named, and the previous lists stay published. Decisions are kept in `publications`. Run `evaluate --date D` first."})
public final class PublishCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D of the lists to publish.")
  LocalDate date;

  @Override
  public Integer call() {
    RunReport report = common.withContext("nightjar publish " + date, ctx -> {
      try {
        return PublishStage.run(ctx, date);
      } finally {
        System.out.println("HTML report of " + date + ": " + RunHtmlReport.write(ctx.lake(), date));
      }
    });
    Reports.print(System.out, List.of(report));
    return 0;
  }
}

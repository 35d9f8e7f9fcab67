package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.Pipeline;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs every stage for one date, or for each date of a range. */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = {"Run the whole pipeline for D: " + "ingest -> embed-items -> interactions -> profiles -> train -> recommend.",
        "Right after an import of months of history, this produces lists for every user active in the look-back window."})
public final class NightlyCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D of the run.")
  LocalDate date;

  @Override
  public Integer call() {
    org.apache.hadoop.fs.Path[] html = new org.apache.hadoop.fs.Path[1];
    List<RunReport> reports = common.withContext("nightjar nightly " + date, ctx -> {
      List<RunReport> done = Pipeline.nightly(ctx, date);
      html[0] = dev.nightjar.jobs.report.RunHtmlReport.write(ctx.lake(), date);
      return done;
    });
    Reports.print(System.out, reports);
    System.out.println();
    System.out.println("HTML report of the run: " + html[0]);
    return 0;
  }

  /** {@code backfill --from D1 --to D2}: the nightly pipeline for each day, in order, in one session. */
  @Command(name = "backfill", mixinStandardHelpOptions = true,
      description = "Run `nightly` for every date from --from to --to (inclusive), oldest first, in one Spark session.")
  public static final class Backfill implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First date.")
    LocalDate from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last date (inclusive).")
    LocalDate to;

    @Override
    public Integer call() {
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("--to " + to + " is before --from " + from);
      }
      List<RunReport> reports =
          common.withContext(
              "nightjar backfill " + from + ".." + to,
              ctx -> {
                List<RunReport> all = new ArrayList<>();
                for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                  all.addAll(Pipeline.nightly(ctx, d));
                }
                return all;
              });
      Reports.print(System.out, reports);
      return 0;
    }
  }
}

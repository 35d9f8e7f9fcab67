package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.report.RunHtmlReport;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes the self-contained HTML report of one night and prints its path. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write night D's HTML report and print its path.",
        "Write the HTML report of night D to <lakehouse>/reports/nightjar-D.html and print its path:",
        "stages (rows in/accepted/quarantined), the publish decision, the metric trend over nights, the exploration",
        "frontier (NDCG vs coverage per number of exploration slots), list composition by source and quarantine by reason.",
        "One file, charts inlined as PNG, nothing loaded from elsewhere; sections not computed yet say which command computes them."})
public final class ReportCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D of the run.")
  LocalDate date;

  @Override
  public Integer call() {
    NightjarConfig config = common.config();
    Path root = common.productionLakehouse(config);
    if (!isFolder(root, config)) {
      throw new IllegalArgumentException("no lakehouse at " + root
          + " — give --lakehouse (env NIGHTJAR_LAKEHOUSE), or run `bin/nightjar nightly --date " + date + "` first");
    }
    Path html = common.withContext("nightjar report " + date, ctx -> RunHtmlReport.write(ctx.lake(), date));
    System.out.println(html);
    return 0;
  }

  /** Whether {@code root} is a folder, asked before Spark starts. */
  private static boolean isFolder(Path root, NightjarConfig config) {
    try {
      return Lakehouse.fileSystem(root, Sessions.hadoopConfiguration(config.spark())).getFileStatus(root).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look at the lakehouse " + root, e);
    }
  }
}

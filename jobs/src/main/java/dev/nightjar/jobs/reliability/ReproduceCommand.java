package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.cli.CommonOptions;
import dev.nightjar.jobs.cli.TablePrinter;
import dev.nightjar.jobs.stages.RecommendStage;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code reproduce --date D [--stage recommend]}: rebuilds a stage of night D from the input versions
 * recorded in {@code run_report} and compares with the stored rows (see {@link Reproduce}). Exit code 0
 * when they match row for row, 1 when they do not.
 *
 * <pre>{@code
 * bin/nightjar reproduce --date 2026-10-31 --conf conf/local.properties
 * }</pre>
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
    description = {"Rebuild a stage of night D from its recorded input versions and compare it with the stored rows.",
        "Rebuild a stage of night D from the input table versions its run_report row recorded (Delta time travel),",
        "into the experiment <lakehouse>/experiments/reproduce-D/ (production is only read), and compare the rebuilt",
        "partition with the stored one row for row. Use the night's --conf. Exit 0 on a match, 1 on a mismatch.",
        "See docs/reliability.md."})
public final class ReproduceCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The night D to reproduce.")
  LocalDate date;

  @Option(names = "--stage", defaultValue = RecommendStage.NAME, paramLabel = "STAGE",
      description = "recommend (default; compares recommendations) or interactions.")
  String stage;

  @Override
  public Integer call() {
    Reproduce.Result r = common.withContext("nightjar reproduce " + stage + " " + date, ctx -> Reproduce.run(ctx, date, stage));
    TablePrinter.aligned(System.out, List.of("stage", "table", "stored_rows", "rebuilt_rows", "only_stored", "only_rebuilt"),
        List.of(List.of(r.stage(), r.table(), Long.toString(r.storedRows()), Long.toString(r.rebuiltRows()),
            Long.toString(r.onlyStored()), Long.toString(r.onlyRebuilt()))));
    System.out.println("input versions read: " + r.versions());
    for (String difference : r.configDifferences()) {
      System.out.println("settings differ from the night's (pass its --conf/--set): " + difference);
    }
    System.out.println((r.matches() ? "MATCH" : "MISMATCH") + ": " + r.stage() + " of " + date + " rebuilt under " + r.experimentRoot());
    return r.matches() ? 0 : 1;
  }
}

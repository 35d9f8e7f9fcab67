package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.ImportStage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code import csv} and {@code import online-retail}: load files into the raw tables. */
@Command(name = "import", mixinStandardHelpOptions = true,
    description = "Load files into raw_events / raw_items (values kept as they are; importing the same file twice adds nothing).",
    subcommands = {ImportCommand.Csv.class, ImportCommand.OnlineRetail.class})
public final class ImportCommand {

  static Instant importedAt(String value) {
    return value == null ? Instant.now() : Instant.parse(value);
  }

  @Command(name = "csv", mixinStandardHelpOptions = true,
      description = {
        "Import the generic CSV format.",
        "events: user_id,item_id,event_type,ts [+ value,session_id,event_id]; event_type in view, cart, purchase,",
        "  favorite, rating, search, review; ts ISO-8601 or epoch seconds.",
        "items: item_id,title [+ description,category,brand,price,available,created_at]. Headers are matched by name."})
  public static final class Csv implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--events", paramLabel = "FILE", description = "Events CSV file.")
    Path events;

    @Option(names = "--items", paramLabel = "FILE", description = "Items CSV file.")
    Path items;

    @Option(names = "--imported-at", paramLabel = "INSTANT",
        description = "Arrival time stamped on the rows (ISO instant, default now); events stamped later than this are quarantined as future.")
    String importedAt;

    @Override
    public Integer call() {
      if (events == null && items == null) {
        throw new IllegalArgumentException("give --events FILE and/or --items FILE");
      }
      RunReport report = common.withContext("nightjar import csv",
          ctx -> ImportStage.importCsv(ctx, events, items, importedAt(importedAt)));
      Reports.print(System.out, List.of(report));
      return 0;
    }
  }

  @Command(name = "online-retail", mixinStandardHelpOptions = true,
      description = {
        "Import the UCI Online Retail daily files (YYYY-MM-DD.csv.gz) of DIR.",
        "Each line becomes a purchase; cancellations, non-product codes and non-positive prices are flagged,",
        "guest rows have no user: ingest quarantines them all with that reason (see docs/online-retail.md)."})
  public static final class OnlineRetail implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Parameters(index = "0", paramLabel = "DIR", description = "Folder of daily files, e.g. ../shared/datasets/online-retail/by-day")
    Path dir;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "Only files of this day or later.")
    LocalDate from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Only files of this day or earlier.")
    LocalDate to;

    @Option(names = "--imported-at", paramLabel = "INSTANT", description = "Arrival time stamped on the rows (default now).")
    String importedAt;

    @Override
    public Integer call() {
      RunReport report = common.withContext("nightjar import online-retail",
          ctx -> ImportStage.importOnlineRetail(ctx, dir, from, to, importedAt(importedAt)));
      Reports.print(System.out, List.of(report));
      return 0;
    }
  }
}

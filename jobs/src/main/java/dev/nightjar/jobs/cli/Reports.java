package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints stage reports for a person at a terminal. */
final class Reports {
  private Reports() {}

  static void print(PrintStream out, List<RunReport> reports) {
    List<List<String>> rows = new ArrayList<>();
    for (RunReport r : reports) {
      rows.add(
          List.of(
              r.stage(),
              r.runDate().toString(),
              r.status(),
              Long.toString(r.rowsIn()),
              Long.toString(r.rowsAccepted()),
              Long.toString(r.rowsQuarantined()),
              String.format(Locale.ROOT, "%.1f", r.durationMs() / 1000.0),
              r.details().toString()));
    }
    TablePrinter.aligned(out, List.of("stage", "date", "status", "rows_in", "accepted", "quarantined", "seconds", "details"), rows);
    for (RunReport r : reports) {
      if (!r.quarantinedByReason().isEmpty()) {
        out.println();
        out.println("Quarantined by " + r.stage() + " (reason: rows): " + new java.util.TreeMap<>(r.quarantinedByReason()));
      }
    }
  }
}

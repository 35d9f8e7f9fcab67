package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Prints stage reports for a person at a terminal. */
final class Reports {
  private Reports() {}

  /**
   * A report's details as the table shows them: without the recorded settings ({@link RunReport#CONFIG}, a
   * dozen lines; they stay in {@code run_report} for {@code reproduce} and for whoever queries it).
   */
  static java.util.Map<String, String> shownDetails(RunReport r) {
    java.util.Map<String, String> shown = new java.util.LinkedHashMap<>(r.details());
    shown.remove(RunReport.CONFIG);
    return shown;
  }

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
              shownDetails(r).toString()));
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

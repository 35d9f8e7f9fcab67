package dev.nightjar.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.lake.RunReport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stage table a person reads keeps one line per stage: the recorded settings stay out of it. */
class ReportsTest {
  @Test
  void theRecordedSettingsAreNotPrintedInTheStageTable() {
    RunReport r = RunReport.of("recommend", LocalDate.of(2026, 10, 31))
        .detail(RunReport.CONFIG, "als=AlsParams[rank=32]\nrecommend=RecommendSettings[k=50]\n").detail("rows_als", 42);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Reports.print(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of(r));
    String printed = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("rows_als=42"), printed);
    assertFalse(printed.contains("AlsParams"), printed);
    assertEquals(3, printed.strip().lines().count(), "header, rule, one row:\n" + printed);
    assertTrue(r.details().containsKey(RunReport.CONFIG), "the report itself keeps them");
  }
}

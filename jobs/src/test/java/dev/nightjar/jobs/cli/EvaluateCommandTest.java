package dev.nightjar.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.stages.EvaluateStage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

/** The evaluate command's output formats and the placement of exploration slots (no Spark session). */
class EvaluateCommandTest {
  private static Row metric(String variant, String slice, String metric, int k, Double value) {
    return new GenericRowWithSchema(
        new Object[] {Date.valueOf("2026-10-31"), "temporal", variant, slice, metric, k, value}, EvaluateStage.METRICS_SCHEMA);
  }

  private static final List<Row> ROWS = List.of(
      metric("blend", "all", "ndcg", 10, 0.3125), metric("popular", "all", "ndcg", 10, 0.1),
      metric("blend", "heavy_users", "ndcg", 10, 0.5), metric("blend", "all", "coverage", 10, null));

  @Test
  void jsonLinesHaveExactlyTheFiveKeys() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EvaluateCommand.printJson(new PrintStream(bytes, true, StandardCharsets.UTF_8), ROWS);
    List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size());
    assertEquals("{\"variant\":\"blend\",\"slice\":\"all\",\"metric\":\"ndcg\",\"k\":10,\"value\":0.3125}", lines.get(0));
    assertEquals("{\"variant\":\"blend\",\"slice\":\"all\",\"metric\":\"coverage\",\"k\":10,\"value\":null}", lines.get(3));
  }

  @Test
  void theTableShowsSliceAllOneRowPerVariant() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EvaluateCommand.printBlocks(new PrintStream(bytes, true, StandardCharsets.UTF_8), ROWS);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.contains("Metrics at k = 10"), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("blend") && l.contains("0.3125") && l.contains("-")), out);
    assertTrue(out.lines().anyMatch(l -> l.startsWith("popular") && l.contains("0.1000")), out);
    assertFalse(out.contains("0.5000"), "other slices are not in the table: " + out);
  }

  @Test
  void explorationSlotsAreSpreadEvenlyEndingAtTheFrontierK() {
    assertEquals(List.of(10), EvaluateStage.exploreRanks(1, 10));
    assertEquals(List.of(5, 10), EvaluateStage.exploreRanks(2, 10));
    assertEquals(List.of(2, 4, 6, 8, 10), EvaluateStage.exploreRanks(5, 10));
    assertEquals(List.of(1, 2, 3), EvaluateStage.exploreRanks(7, 3), "more slots than ranks: every rank");
  }
}

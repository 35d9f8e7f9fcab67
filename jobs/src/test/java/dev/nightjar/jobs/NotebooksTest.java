package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.report.ReportFixtures;
import dev.nightjar.jobs.stages.PublishStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.testing.SmallNight;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The analyst side of issue 5 on tables written by a small run of the pipeline: every
 * {@code notebooks/sql/*.sql} runs through Spark SQL; DuckDB reading through the symlink manifests
 * ({@code notebooks/nightjar_lake.py}) sees exactly the rows Spark sees, partition columns included,
 * also after a partition was replaced; every notebook executes headless without an error; and the
 * notebooks in git hold no outputs. The metrics are a fixture (the evaluate stage retrains every variant,
 * too slow here); publish is the real stage. Python parts need python3 with duckdb, nbclient, nbformat, ipykernel,
 * pandas and matplotlib: without them the test fails when {@code CI} is set and is skipped otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotebooksTest extends SparkTestBase {
  static final LocalDate D = SmallNight.D;
  /** The tables the notebooks read, each with its symlink-format manifest. */
  static final List<String> MANIFEST_TABLES = List.of(Tables.RECOMMENDATIONS, Tables.PUBLISHED_RECOMMENDATIONS, Tables.QUARANTINE,
      Tables.RUN_REPORT, Tables.METRICS, Tables.PUBLICATIONS);
  static final String PYTHON_MODULES = "duckdb, nbclient, nbformat, ipykernel, pandas, matplotlib";
  static final Path NOTEBOOKS = ConfigTest.repo().resolve("notebooks");

  static Lakehouse lake;

  @BeforeAll
  static void smallPipelineRun() throws Exception {
    lake = SmallNight.copyTo(tempDir.resolve("lake"));
    StageContext ctx = new StageContext(spark(), lake, SmallNight.config());
    for (int i = 0; i < 3; i++) {
      ReportFixtures.writeMetrics(lake, D.minusDays(2 - i), i);
    }
    PublishStage.run(ctx, D); // the real gate, on the fixture metrics: the first publication passes
    for (String table : MANIFEST_TABLES) {
      lake.enableSymlinkManifest(table);
    }
    // replace one night after the manifests exist: its old files stay on disk, the manifest must drop them
    ReportFixtures.writeMetrics(lake, D, 5);
  }

  @Test
  @Order(1)
  void everyAnalystQueryRunsOnThePipelineOutput() throws IOException {
    lake.registerViews();
    List<Path> queries;
    try (Stream<Path> files = Files.list(NOTEBOOKS.resolve("sql"))) {
      queries = files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
    }
    assertTrue(queries.size() >= 3, queries.toString());
    for (Path query : queries) {
      long rows = spark().sql(Files.readString(query)).count();
      assertTrue(rows > 0, query + " returned no rows");
    }
  }

  @Test
  @Order(2)
  void duckDbThroughTheManifestsReadsExactlyWhatSparkReads() throws Exception {
    requirePython();
    Map<String, String> spark = new TreeMap<>();
    for (String table : MANIFEST_TABLES) {
      String partition = table.equals(Tables.QUARANTINE) ? "ingest_date" : table.equals(Tables.RUN_REPORT) ? null : "run_date";
      spark.put(table, partition == null
          ? Long.toString(lake.read(table).count())
          : lake.read(table).groupBy(partition).count().orderBy(partition).collectAsList().stream()
              .map(r -> r.get(0) + "=" + r.getLong(1)).toList().toString());
    }
    String script = String.join("\n",
        "import sys; sys.path.insert(0, sys.argv[1])",
        "from nightjar_lake import connect",
        "con = connect()",
        "for table, partition in [" + String.join(", ", MANIFEST_TABLES.stream().map(t -> "('" + t + "', "
            + (t.equals(Tables.QUARANTINE) ? "'ingest_date'" : t.equals(Tables.RUN_REPORT) ? "None" : "'run_date'") + ")").toList()) + "]:",
        "    if partition is None:",
        "        print(table, con.sql(f'SELECT count(*) FROM {table}').fetchone()[0])",
        "    else:",
        "        kind = con.sql(f'SELECT typeof({partition}) FROM {table} LIMIT 1').fetchone()[0]",
        "        rows = con.sql(f'SELECT {partition}, count(*) FROM {table} GROUP BY 1 ORDER BY 1').fetchall()",
        "        print(table, '[' + ', '.join(f'{d}={n}' for d, n in rows) + ']', kind)");
    Result r = python(List.of("-c", script, NOTEBOOKS.toString()), 120);
    assertEquals(0, r.exitCode(), r.output());
    Map<String, String> duck = new TreeMap<>();
    for (String line : r.output().strip().split("\n")) {
      String[] parts = line.split(" ", 2);
      duck.put(parts[0], parts[1]);
    }
    for (String table : MANIFEST_TABLES) {
      String expected = spark.get(table) + (table.equals(Tables.RUN_REPORT) ? "" : " DATE");
      assertEquals(expected, duck.get(table), table + ": DuckDB via the manifest vs Spark (rows per partition, partition column type)");
    }
    long parquetFilesOfMetrics;
    try (Stream<Path> files = Files.walk(lake.localRoot().resolve(Tables.METRICS))) {
      parquetFilesOfMetrics = files.filter(f -> f.toString().endsWith(".parquet")).count();
    }
    assertTrue(parquetFilesOfMetrics > lake.read(Tables.METRICS).inputFiles().length,
        "the replaced night left files on disk that a glob would read, so the equality above means the manifest was used");
  }

  @Test
  @Order(3)
  void everyNotebookRunsHeadlessWithoutErrors() throws Exception {
    requirePython();
    Path executed = Path.of("target", "executed-notebooks").toAbsolutePath(); // kept for a look after the build
    Result r = python(List.of(NOTEBOOKS.resolve("run_all.py").toString(), "--output-dir", executed.toString()), 480);
    assertEquals(0, r.exitCode(), r.output());
    List<Path> notebooks = notebooks();
    assertEquals(List.of("metrics_and_frontier.ipynb", "recommendations.ipynb", "run_reports.ipynb"),
        notebooks.stream().map(p -> p.getFileName().toString()).toList());
    ObjectMapper json = new ObjectMapper();
    for (Path notebook : notebooks) {
      JsonNode nb = json.readTree(executed.resolve(notebook.getFileName()).toFile());
      int codeCells = 0;
      int images = 0;
      for (JsonNode cell : nb.get("cells")) {
        if (!"code".equals(cell.get("cell_type").asText())) {
          continue;
        }
        codeCells++;
        assertFalse(cell.get("execution_count").isNull(), notebook + ": every code cell ran");
        for (JsonNode output : cell.get("outputs")) {
          assertNotEquals("error", output.get("output_type").asText(), notebook + ": " + output);
          if (output.has("data") && output.get("data").has("image/png")) {
            images++;
          }
        }
      }
      assertTrue(codeCells >= 4, notebook + " has " + codeCells + " code cells");
      assertTrue(images >= 1, notebook + " drew no chart");
    }
  }

  @Test
  void notebooksInGitHoldNoOutputs() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<Path> notebooks = notebooks();
    assertFalse(notebooks.isEmpty());
    for (Path notebook : notebooks) {
      JsonNode nb = json.readTree(notebook.toFile());
      assertEquals(4, nb.get("nbformat").asInt(), notebook + ": nbformat 4");
      for (JsonNode cell : nb.get("cells")) {
        if ("code".equals(cell.get("cell_type").asText())) {
          assertEquals(0, cell.get("outputs").size(), notebook + ": outputs are stripped (python3 notebooks/check_stripped.py --fix)");
          assertTrue(cell.get("execution_count").isNull(), notebook + ": execution counts are stripped");
        }
      }
    }
    if (pythonMissing() == null) {
      Result r = python(List.of(NOTEBOOKS.resolve("check_stripped.py").toString()), 60);
      assertEquals(0, r.exitCode(), r.output());
    }
  }

  // ---------------------------------------------------------------------------------------------- python

  record Result(int exitCode, String output) {}

  static String pythonCommand() {
    String configured = System.getenv("NIGHTJAR_PYTHON");
    return configured == null || configured.isBlank() ? "python3" : configured;
  }

  static List<Path> notebooks() throws IOException {
    try (Stream<Path> files = Files.list(NOTEBOOKS)) {
      return files.filter(f -> f.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  /** Runs python with NIGHTJAR_LAKEHOUSE pointing at the test lakehouse, in notebooks/. */
  static Result python(List<String> args, int timeoutSeconds) throws Exception {
    List<String> command = new ArrayList<>(List.of(pythonCommand()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(NOTEBOOKS.toFile()).redirectErrorStream(true);
    if (lake != null) {
      pb.environment().put("NIGHTJAR_LAKEHOUSE", lake.localRoot().toString());
    }
    pb.environment().put("MPLCONFIGDIR", tempDir.resolve("mplconfig").toString());
    Path log = Files.createTempFile(tempDir, "python", ".log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      fail("python " + args + " took more than " + timeoutSeconds + " s: " + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log));
  }

  /** Why the notebook tooling cannot run here, or null when it can. */
  static String pythonMissing() {
    try {
      Process p = new ProcessBuilder(pythonCommand(), "-c", "import " + PYTHON_MODULES).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return pythonCommand() + " lacks " + PYTHON_MODULES + ": " + out.strip();
      }
      return null;
    } catch (Exception e) {
      return "no " + pythonCommand() + ": " + e.getMessage();
    }
  }

  static void requirePython() {
    String missing = pythonMissing();
    if (missing == null) {
      return;
    }
    String how = missing + " (pip install " + PYTHON_MODULES.replace(",", "") + ")";
    if (System.getenv("CI") != null) {
      fail("CI is set, so the notebooks must run: " + how);
    }
    Assumptions.assumeTrue(false, "notebooks not executed: " + how);
  }

}

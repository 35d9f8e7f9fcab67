package dev.nightjar.jobs.lake;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.transforms.testing.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** An experiment reads production's tables and writes only under its own folder (shallow clones). */
class ExperimentLakehouseTest extends SparkTestBase {

  private static Dataset<Row> rows(String sql) {
    return spark().sql(sql);
  }

  @Test
  void experimentWritesNeverReachProductionAndReadsFallBackToIt() {
    Lakehouse production = new Lakehouse(spark(), tempDir.resolve("exp-lake"));
    production.replaceWhere("scores", rows("SELECT * FROM VALUES (DATE'2026-10-30', 'a', 1.0), (DATE'2026-10-31', 'b', 2.0) AS t(run_date, id, v)"),
        "run_date = DATE'2026-10-31'", "run_date");
    production.replaceWhere("other", rows("SELECT 'x' AS id"), "true");
    long productionVersion = production.version("scores");
    List<String> productionRows = sortedRows(production.read("scores"));

    Lakehouse trial = production.experiment("trial-1");
    assertTrue(trial.isExperiment());
    assertEquals(productionRows, sortedRows(trial.read("scores")), "before writing, the experiment reads production's table");
    trial.replaceWhere("scores", rows("SELECT DATE'2026-10-31' AS run_date, 'c' AS id, 3.0 AS v"), "run_date = DATE'2026-10-31'");

    assertEquals(productionVersion, production.version("scores"), "production's table got no new version");
    assertEquals(productionRows, sortedRows(production.read("scores")));
    assertEquals(List.of("[2026-10-30,a,1.0]", "[2026-10-31,c,3.0]"), sortedRows(trial.read("scores")),
        "the experiment sees production's other partition and its own write");
    assertTrue(trial.localRoot().startsWith(production.localRoot().resolve(Lakehouse.EXPERIMENTS_DIR)));
    assertTrue(java.nio.file.Files.isDirectory(trial.localRoot().resolve("scores").resolve("_delta_log")));
    assertFalse(java.nio.file.Files.exists(trial.localRoot().resolve("other")), "tables it only reads are not cloned");
    assertEquals(List.of("other", "scores"), trial.tableNames());
  }

  @Test
  void experimentNamesThatCouldEscapeTheFolderAreRefused() {
    Lakehouse production = new Lakehouse(spark(), tempDir.resolve("exp-lake-2"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> production.experiment("../prod"));
    assertTrue(e.getMessage().contains("letters, digits"), e.getMessage());
  }
}

package dev.nightjar.jobs;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.EvaluateStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.testing.SmallNight;
import dev.nightjar.transforms.testing.SparkTestBase;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * A measurement, not part of the suite (surefire runs *Test classes): one evaluation of the small shared
 * night (variants popular, item_knn, als, blend), timed, with the shallow clones its workspace made and its
 * metric rows written to {@code -Dmeasure.out} (default {@code target/evaluate-timing.txt}) for a before/after
 * comparison. Run with
 * {@code mvn -B -o -q test -Dtest=EvaluateTimingMeasurement -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class EvaluateTimingMeasurement extends SparkTestBase {
  @Test
  void oneEvaluationOfTheSmallNight() throws Exception {
    Lakehouse lake = SmallNight.copyTo(tempDir.resolve("lake"));
    StageContext ctx = new StageContext(spark(), lake, SmallNight.config("nightjar.evaluate.variants=popular,item_knn,als,blend"));
    long start = System.nanoTime();
    List<Row> rows = EvaluateStage.evaluate(ctx, SmallNight.D, Map.of()).rows();
    double seconds = (System.nanoTime() - start) / 1e9;
    // a timing of an evaluation that scored nothing would compare nothing
    org.junit.jupiter.api.Assertions.assertEquals(java.util.Set.of("popular", "item_knn", "als", "blend"),
        rows.stream().map(r -> r.getString(2)).collect(java.util.stream.Collectors.toSet()), "every variant has metric rows");
    StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT, "evaluate_seconds=%.1f%n", seconds));
    Path experiments = lake.localRoot().resolve(Lakehouse.EXPERIMENTS_DIR);
    try (Stream<Path> logs = Files.walk(experiments)) {
      for (Path log : logs.filter(p -> p.getFileName().toString().equals("_delta_log")).sorted().toList()) {
        long clones = DeltaTable.forPath(spark(), log.getParent().toString()).history()
            .where("operation LIKE '%CLONE%'").count();
        out.append("table ").append(experiments.relativize(log.getParent())).append(" clones=").append(clones).append('\n');
      }
    }
    rows.stream().map(Row::toString).sorted().forEach(r -> out.append(r).append('\n'));
    Path file = Path.of(System.getProperty("measure.out", "target/evaluate-timing.txt"));
    Files.writeString(file, out.toString());
    System.err.println("EvaluateTimingMeasurement: " + String.format(java.util.Locale.ROOT, "%.1f", seconds) + " s -> " + file.toAbsolutePath());
  }
}

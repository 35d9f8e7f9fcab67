package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.Nightjar;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.InteractionsStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.testing.SmallNight;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} in the middle of a stage's write: a child JVM runs {@code nightjar interactions}
 * with the crash-test hook ({@link Lakehouse#PAUSE_BEFORE_COMMIT_PROPERTY}), is killed once one new
 * data file of {@code interactions} is on disk, and the table must still be its previous version,
 * row for row; a rerun must then give exactly what an uninterrupted run gives on a copy.
 */
class CrashRecoveryTest extends SparkTestBase {
  static final LocalDate D = SmallNight.D;
  /** Long enough that the child is certainly killed while its second write task waits. */
  static final long PAUSE_MILLIS = 600_000;
  static final long CHILD_TIMEOUT_SECONDS = 400;
  static final List<String> CHILD_SPARK = List.of(
      "spark.master=local[2]", "spark.sql.shuffle.partitions=2", "spark.default.parallelism=2", "spark.ui.enabled=false",
      "spark.driver.host=127.0.0.1", "spark.databricks.delta.snapshotPartitions=2");

  @Test
  void killMinusNineMidWriteKeepsThePreviousVersionAndARerunMatchesAnUninterruptedRun() throws Exception {
    Path lakePath = tempDir.resolve("lake");
    Lakehouse lake = SmallNight.copyTo(lakePath); // ingested, with D's interactions
    StageContext ctx = new StageContext(spark(), lake, NightjarConfig.defaults());
    InteractionsStage.run(ctx, D.minusDays(1)); // the night before, which the crashed write must not touch

    long version = lake.version(Tables.INTERACTIONS);
    List<String> rowsBefore = sortedRows(lake.read(Tables.INTERACTIONS));
    Path table = lakePath.resolve(Tables.INTERACTIONS);
    Set<Path> filesBefore = dataFiles(table);
    Path copyPath = tempDir.resolve("lake-copy");
    SmallNight.copyTree(lakePath, copyPath);

    Path log = tempDir.resolve("child.log");
    List<String> args = new ArrayList<>(List.of("interactions", "--date", D.toString(), "--lakehouse", lakePath.toString()));
    CHILD_SPARK.forEach(s -> args.addAll(List.of("--set", s)));
    Process child = startChild(args, log);
    Path orphan;
    try {
      orphan = awaitNewDataFile(child, table, filesBefore, log);
    } finally {
      child.destroyForcibly();
    }
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not die");
    assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL, not a clean exit");

    assertTrue(Files.exists(orphan), "the killed write had put a data file on disk: " + orphan);
    assertEquals(version, lake.version(Tables.INTERACTIONS), "no commit happened");
    assertEquals(rowsBefore, sortedRows(lake.readAt(Tables.INTERACTIONS, version)), "the previous version reads as before");
    assertEquals(rowsBefore, sortedRows(lake.read(Tables.INTERACTIONS)), "the current version is the previous one");
    String orphanName = orphan.getFileName().toString();
    assertTrue(Arrays.stream(lake.read(Tables.INTERACTIONS).inputFiles()).noneMatch(f -> f.endsWith(orphanName)),
        "the orphan file is not part of the table");

    InteractionsStage.run(ctx, D);
    Lakehouse copy = new Lakehouse(spark(), copyPath);
    InteractionsStage.run(new StageContext(spark(), copy, NightjarConfig.defaults()), D);
    List<String> rerun = sortedRows(lake.read(Tables.INTERACTIONS));
    assertEquals(sortedRows(copy.read(Tables.INTERACTIONS)), rerun, "rerun after the crash = uninterrupted run");
    assertTrue(lake.read(Tables.INTERACTIONS).where("run_date = DATE'" + D + "'").count() > 0);
    assertTrue(rerun.containsAll(rowsBefore), "the previous night's partition is untouched");
  }

  /** {@code java <this JVM's flags> -cp <this classpath> Nightjar args}, output to {@code log}. */
  static Process startChild(List<String> args, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!flag.startsWith("-agentlib:jdwp") && !flag.startsWith("-Xmx")) {
        command.add(flag);
      }
    }
    command.add("-Xmx1g");
    String log4j = System.getProperty("log4j2.configurationFile");
    if (log4j != null) {
      command.add("-Dlog4j2.configurationFile=" + log4j);
    }
    command.add("-D" + Lakehouse.PAUSE_BEFORE_COMMIT_PROPERTY + "=" + PAUSE_MILLIS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Nightjar.class.getName()));
    command.addAll(args);
    return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** Waits for a data file of {@code table} that was not there before; fails if the child exits first. */
  static Path awaitNewDataFile(Process child, Path table, Set<Path> before, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHILD_TIMEOUT_SECONDS);
    while (System.nanoTime() < deadline) {
      for (Path f : dataFiles(table)) {
        if (!before.contains(f)) {
          return f;
        }
      }
      if (!child.isAlive()) {
        fail("the child exited (" + child.exitValue() + ") before writing:\n" + tail(log));
      }
      Thread.sleep(20);
    }
    fail("no new data file within " + CHILD_TIMEOUT_SECONDS + " s:\n" + tail(log));
    return null;
  }

  static Set<Path> dataFiles(Path table) throws IOException {
    try (Stream<Path> files = Files.walk(table)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !table.relativize(p).startsWith("_delta_log"))
          .collect(Collectors.toSet());
    }
  }

  static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}

package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.Nightjar;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkContext;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The one list of stages feeds nightly, the CLI and the DAG check; job groups are restored; the code digest follows the code. */
class StagesTest extends SparkTestBase {
  static Path repo() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("airflow")) ? here : here.getParent();
  }

  /** {@code CORE_STAGES = ("ingest", "embed-items", ...)} as airflow/check_dag.py declares it. */
  static List<String> checkDagCoreStages() throws IOException {
    String source = Files.readString(repo().resolve("airflow/check_dag.py"));
    Matcher declaration = Pattern.compile("(?m)^CORE_STAGES = \\(([^)]*)\\)").matcher(source);
    assertTrue(declaration.find(), "check_dag.py declares CORE_STAGES = (...)");
    List<String> names = new ArrayList<>();
    Matcher name = Pattern.compile("\"([^\"]+)\"").matcher(declaration.group(1));
    while (name.find()) {
      names.add(name.group(1));
    }
    return names;
  }

  @Test
  void theDagCheckDeclaresTheRegistrysOrder() throws IOException {
    assertEquals(Stages.names(Stages.DAG), checkDagCoreStages());
    assertEquals(Stages.names(Stages.NIGHTLY), Pipeline.STAGES);
    assertTrue(Stages.DAG.containsAll(Stages.NIGHTLY));
  }

  @Test
  void everyStageOfTheDagIsACommandAndTheNightlyOnesAreDescribedByTheirStage() {
    CommandLine cli = Nightjar.commandLine();
    for (Stage stage : Stages.DAG) {
      assertTrue(cli.getSubcommands().containsKey(stage.name()), stage.name());
    }
    for (Stage stage : Stages.NIGHTLY) {
      CommandLine command = cli.getSubcommands().get(stage.name());
      assertEquals(List.of(stage.description()), List.of(command.getCommandSpec().usageMessage().description()));
      assertTrue(command.getUsageMessage().contains("--date"), command.getUsageMessage());
    }
    assertSame(Stages.TRAIN, Stages.named("train"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Stages.named("nope"));
    assertTrue(e.getMessage().contains("embed-items"), e.getMessage());
  }

  @Test
  void aJobGroupRestoresTheGroupSetBeforeIt() {
    SparkContext sc = spark().sparkContext();
    sc.clearJobGroup();
    try (JobGroup stage = JobGroup.open(spark(), "evaluate", "nightjar evaluate 2026-10-31")) {
      assertEquals("evaluate", sc.getLocalProperty(JobGroup.GROUP_ID));
      try (JobGroup step = JobGroup.open(spark(), "evaluate/score", "score blend")) {
        assertEquals("evaluate/score", sc.getLocalProperty(JobGroup.GROUP_ID));
        assertEquals("score blend", sc.getLocalProperty(JobGroup.DESCRIPTION));
        spark().range(3).count(); // a job runs in the group
      }
      assertEquals("evaluate", sc.getLocalProperty(JobGroup.GROUP_ID));
      assertEquals("nightjar evaluate 2026-10-31", sc.getLocalProperty(JobGroup.DESCRIPTION));
    }
    assertNull(sc.getLocalProperty(JobGroup.GROUP_ID), "no group before, none after");
    assertNull(sc.getLocalProperty(JobGroup.DESCRIPTION));
  }

  @Test
  void theCodeDigestChangesWhenAClassFileOrAJarChanges() throws IOException {
    Path classes = tempDir.resolve("digest/classes");
    Files.createDirectories(classes.resolve("dev/nightjar"));
    Files.write(classes.resolve("dev/nightjar/A.class"), new byte[] {1, 2, 3});
    String before = CodeDigest.of(List.of(classes));
    assertEquals(before, CodeDigest.of(List.of(classes)), "the same code, the same digest");
    Files.write(classes.resolve("dev/nightjar/A.class"), new byte[] {1, 2, 4});
    String changed = CodeDigest.of(List.of(classes));
    assertNotEquals(before, changed, "a rebuilt class");
    Files.write(classes.resolve("dev/nightjar/B.class"), new byte[] {1});
    assertNotEquals(changed, CodeDigest.of(List.of(classes)), "a new class");

    Path jar = tempDir.resolve("digest/app.jar");
    writeJar(jar, new byte[] {1, 2, 3});
    String jarBefore = CodeDigest.of(List.of(jar));
    writeJar(jar, new byte[] {1, 2, 3});
    assertEquals(jarBefore, CodeDigest.of(List.of(jar)), "a rebuilt jar with the same classes");
    writeJar(jar, new byte[] {9, 2, 3});
    assertNotEquals(jarBefore, CodeDigest.of(List.of(jar)), "a jar with a changed class");
    assertEquals(64, CodeDigest.ofRunningCode().length(), "the running code has a digest (SHA-256 hex)");
  }

  private static void writeJar(Path jar, byte[] classBytes) throws IOException {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("dev/nightjar/A.class"));
      out.write(classBytes);
      out.closeEntry();
    }
  }
}

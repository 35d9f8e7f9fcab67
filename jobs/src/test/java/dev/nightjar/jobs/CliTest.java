package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

public class CliTest {
  @TempDir Path dir;

  /** What a command printed and returned. */
  public record Run(int exitCode, String out, String err) {}

  /** Runs the real command line in-process, capturing its output. */
  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Nightjar.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void everyCommandHasHelp() {
    CommandLine cli = Nightjar.commandLine();
    List<String> names = new ArrayList<>(cli.getSubcommands().keySet());
    assertTrue(names.containsAll(List.of("demo", "import", "ingest", "interactions", "train", "recommend", "nightly", "backfill", "sql", "config", "gpu-plan", "bench")), names.toString());
    for (String name : names) {
      Run help = run(name, "--help");
      assertEquals(0, help.exitCode(), name);
      assertTrue(help.out().startsWith("Usage: nightjar " + name), help.out());
    }
  }

  @Test
  void unknownOptionFailsWithUsage() {
    Run r = run("ingest", "--date", "2026-10-31", "--dat", "x");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("Unknown options: '--dat'"), r.err());
    assertTrue(r.err().contains("Usage: nightjar ingest"), r.err());
  }

  @Test
  void badDateIsRejectedBeforeAnythingRuns() {
    Run r = run("nightly", "--date", "2026-31-10");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().contains("--date"), r.err());
  }

  @Test
  void reportWithoutALakehouseFailsBeforeStartingSpark() {
    assertTrue(Nightjar.commandLine().getSubcommands().containsKey("report"));
    Path missing = dir.resolve("nowhere");
    Run r = run("report", "--date", "2026-10-31", "--lakehouse", missing.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("nightjar report: no lakehouse at file:" + missing), r.err());
    assertFalse(Files.exists(missing), "nothing was created");
  }

  @Test
  void aLakehouseSchemeWithoutItsFileSystemFailsBeforeStartingSparkAndCreatesNothing() {
    for (String command : List.of("nightly", "report")) {
      Run r = run(command, "--date", "2026-10-31", "--lakehouse", "s3a://bucket/nightjar");
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().startsWith("nightjar " + command + ": no Hadoop FileSystem for scheme 's3a'"), r.err());
      assertTrue(r.err().contains("hadoop-aws"), r.err());
    }
    assertFalse(Files.exists(Path.of("s3a:")), "no local folder named after the scheme");
  }

  /** The Airflow DAG's rendered spark-submit arguments parse as real commands, with the logical date. */
  @Test
  void airflowDagArgumentsAreValidCommands() throws Exception {
    Path repo = ConfigTest.repo();
    Path rendered = dir.resolve("dag.json");
    Process p =
        new ProcessBuilder("python3", repo.resolve("airflow/check_dag.py").toString(), "--render", "2026-10-31", "--out", rendered.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), output);
    String json = Files.readString(rendered);
    Matcher args = Pattern.compile("\"application_args\":\\s*\\[([^\\]]*)\\]").matcher(json);
    int tasks = 0;
    while (args.find()) {
      List<String> argv = new ArrayList<>();
      Matcher s = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(args.group(1));
      while (s.find()) {
        argv.add(s.group(1));
      }
      ParseResult parsed = Nightjar.commandLine().parseArgs(argv.toArray(new String[0]));
      assertTrue(parsed.hasSubcommand(), argv.toString());
      ParseResult sub = parsed.subcommand();
      assertEquals(argv.get(0), sub.commandSpec().name());
      assertEquals(java.time.LocalDate.of(2026, 10, 31), sub.matchedOptionValue("--date", null));
      assertNotNull(sub.matchedOptionValue("--conf", null), "the DAG passes a config file");
      tasks++;
    }
    assertEquals(dev.nightjar.jobs.stages.Pipeline.STAGES.size() + dev.nightjar.jobs.stages.Pipeline.GATE_STAGES.size()
        + dev.nightjar.jobs.stages.Pipeline.TUNE_STAGES.size(), tasks, json);
  }
}

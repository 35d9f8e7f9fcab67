package dev.nightjar.jobs.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.CliTest;
import dev.nightjar.jobs.Nightjar;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** Every command's help renders cleanly, and every date option answers a wrong format with the format and an example. */
class CliUsageTest {
  /** Every command below the root, as the words that name it ({@code [bench, pipeline]}). */
  static List<List<String>> commandPaths() {
    List<List<String>> out = new ArrayList<>();
    collect(Nightjar.commandLine(), List.of(), out);
    return out;
  }

  private static void collect(CommandLine cli, List<String> path, List<List<String>> out) {
    for (Map.Entry<String, CommandLine> sub : cli.getSubcommands().entrySet()) {
      List<String> subPath = new ArrayList<>(path);
      subPath.add(sub.getKey());
      out.add(subPath);
      collect(sub.getValue(), subPath, out);
    }
  }

  private static CommandLine command(List<String> path) {
    CommandLine cli = Nightjar.commandLine();
    for (String name : path) {
      cli = cli.getSubcommands().get(name);
    }
    return cli;
  }

  @Test
  void everyHelpRendersWithoutPicocliWarningsAndEverySummaryIsASentence() {
    List<List<String>> paths = commandPaths();
    assertTrue(paths.contains(List.of("demo")) && paths.contains(List.of("bench", "pipeline")), paths.toString());
    List<List<String>> all = new ArrayList<>(paths);
    all.add(0, List.of());
    PrintStream stderr = System.err;
    ByteArrayOutputStream warnings = new ByteArrayOutputStream();
    System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8)); // picocli's tracer writes to System.err
    try {
      for (List<String> path : all) {
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        CliTest.Run help = CliTest.run(args.toArray(new String[0]));
        assertEquals(0, help.exitCode(), path.toString());
        assertEquals("", warnings.toString(StandardCharsets.UTF_8), "help of " + path);
        assertFalse(help.out().contains("%n"), "an unformatted description in the help of " + path);
      }
    } finally {
      System.setErr(stderr);
    }
    for (List<String> path : paths) {
      String[] description = command(path).getCommandSpec().usageMessage().description();
      assertTrue(description.length > 0, "no description: " + path);
      // the first line is the command's summary in its parent's command list
      String summary = String.format(description[0]).strip();
      assertTrue(summary.endsWith("."), "the summary of " + path + " stops mid-sentence: " + summary);
    }
  }

  @Test
  void aDateInAnotherFormatIsAnsweredWithTheFormatAndAnExampleByEveryCommandTakingADate() {
    int dateOptions = 0;
    for (List<String> path : commandPaths()) {
      for (OptionSpec option : command(path).getCommandSpec().options()) {
        if (option.type() != LocalDate.class) {
          continue;
        }
        List<String> args = new ArrayList<>(path);
        args.add(option.longestName());
        args.add("31/10/2026");
        CliTest.Run r = CliTest.run(args.toArray(new String[0]));
        assertEquals(2, r.exitCode(), path.toString());
        String name = option.longestName();
        assertTrue(r.err().startsWith("nightjar: " + name + " '31/10/2026' is not a date: expected YYYY-MM-DD, e.g. " + name + " 2026-10-31\n"),
            path + ": " + r.err());
        assertFalse(r.err().contains("java.time") || r.err().contains("Exception"), r.err());
        dateOptions++;
      }
    }
    // --date of each stage, nightly, evaluate, tune, publish, report, retention, reproduce; backfill's --from and --to
    assertTrue(dateOptions >= 14, "date options found: " + dateOptions);
  }
}

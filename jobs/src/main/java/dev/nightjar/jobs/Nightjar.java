package dev.nightjar.jobs;

import dev.nightjar.jobs.cli.BenchCommand;
import dev.nightjar.jobs.cli.ConfigCommand;
import dev.nightjar.jobs.cli.DemoCommand;
import dev.nightjar.jobs.cli.EvaluateCommand;
import dev.nightjar.jobs.cli.GpuPlanCommand;
import dev.nightjar.jobs.cli.ImportCommand;
import dev.nightjar.jobs.cli.NightlyCommand;
import dev.nightjar.jobs.cli.PublishCommand;
import dev.nightjar.jobs.cli.SqlCommand;
import dev.nightjar.jobs.cli.ReportCommand;
import dev.nightjar.jobs.cli.StageCommand;
import dev.nightjar.jobs.cli.TuneCommand;
import dev.nightjar.jobs.privacy.PseudonymCommand;
import dev.nightjar.jobs.reliability.ForgetCommand;
import dev.nightjar.jobs.reliability.ReproduceCommand;
import dev.nightjar.jobs.reliability.RetentionCommand;
import dev.nightjar.jobs.stages.Stage;
import dev.nightjar.jobs.stages.Stages;
import java.time.LocalDate;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command line of Nightjar, for the embedded launcher ({@code bin/nightjar}) and for
 * {@code spark-submit --class dev.nightjar.jobs.Nightjar nightjar-jobs-app.jar <command> ...}.
 *
 * <pre>{@code
 * bin/nightjar demo
 * bin/nightjar nightly --date 2026-10-31 --lakehouse lakehouse --conf conf/local.properties
 * }</pre>
 */
@Command(
    name = "nightjar",
    mixinStandardHelpOptions = true,
    version = "nightjar 0.1.0",
    description = {
      "Nightly recommender on Apache Spark and Delta Lake.",
      "Every stage takes --date YYYY-MM-DD (the logical date), --lakehouse PATH and --conf FILE; rerunning a stage",
      "for the same date gives the same rows."
    })
public final class Nightjar implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The command line with Nightjar's error handling: known user errors print one clear line, not a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Nightjar());
    cli.addSubcommand(new DemoCommand());
    cli.addSubcommand(new ImportCommand());
    for (Stage stage : Stages.NIGHTLY) {
      cli.addSubcommand(stage.name(), StageCommand.commandLine(stage));
    }
    for (Object command : List.of(new NightlyCommand(), new NightlyCommand.Backfill(), new EvaluateCommand(), new TuneCommand(),
        new PublishCommand(), new ReportCommand(), new RetentionCommand(), new ForgetCommand(), new PseudonymCommand(),
        new ReproduceCommand(), SqlCommand.commandLine(), new ConfigCommand(), new BenchCommand(), new GpuPlanCommand())) {
      cli.addSubcommand(command);
    }
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine failed = e.getCommandLine();
          failed.getErr().println("nightjar: " + message(e));
          CommandLine.UnmatchedArgumentException.printSuggestions(e, failed.getErr());
          failed.usage(failed.getErr());
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            commandLine.getErr().println("nightjar " + commandLine.getCommandName() + ": " + e.getMessage());
            return 2;
          }
          throw e;
        });
    return cli;
  }

  /** The expected format of every date option ({@code --date}, {@code --from}, {@code --to}). */
  public static final String DATE_FORMAT = "YYYY-MM-DD";

  /**
   * The message of a command-line error; a date option given in another format (a {@code LocalDate} picocli cannot
   * convert) is answered with the format and an example instead of the parser's exception.
   */
  static String message(CommandLine.ParameterException e) {
    if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option && option.type() == LocalDate.class && e.getValue() != null) {
      String name = option.longestName();
      return name + " '" + e.getValue() + "' is not a date: expected " + DATE_FORMAT + ", e.g. " + name + " 2026-10-31";
    }
    return e.getMessage();
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}

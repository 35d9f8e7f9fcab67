package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.Stage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.stages.Stages;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Runs one stage for one logical date on the night's context ({@link StageContext#forNight}). The command of each
 * stage of {@link Stages#NIGHTLY} is made from the stage itself ({@link #commandLine}: its name and description);
 * a stage with a hand-written help of its own subclasses this.
 *
 * <pre>{@code
 * CommandLine train = StageCommand.commandLine(Stages.TRAIN); // `nightjar train --date D`
 * }</pre>
 */
@Command(mixinStandardHelpOptions = true)
public class StageCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D of the run.")
  LocalDate date;

  private final Stage stage;

  protected StageCommand(Stage stage) {
    this.stage = stage;
  }

  /** The command of {@code stage}: named after it, its help the stage's description. */
  public static CommandLine commandLine(Stage stage) {
    CommandLine cli = new CommandLine(new StageCommand(stage));
    cli.getCommandSpec().name(stage.name());
    cli.getCommandSpec().usageMessage().description(stage.description());
    return cli;
  }

  @Override
  public Integer call() {
    RunReport report = common.withContext("nightjar " + stage.name() + " " + date,
        ctx -> stage.run(StageContext.forNight(ctx, date), date));
    Reports.print(System.out, List.of(report));
    return 0;
  }
}

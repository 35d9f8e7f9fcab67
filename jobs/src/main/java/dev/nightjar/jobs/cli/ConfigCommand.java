package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.config.NightjarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists every config key, or checks a config file. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "List every nightjar.* config key with its allowed values and default, after checking --conf and --set.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    NightjarConfig config = common.config();
    List<List<String>> rows = new ArrayList<>();
    NightjarConfig.describeKeys().forEach((k, v) -> rows.add(List.of(k, v)));
    TablePrinter.aligned(System.out, List.of("key", "allowed (default)"), rows);
    System.out.println();
    System.out.println("spark.* settings in effect: " + config.spark());
    return 0;
  }
}

package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.config.ConfigKey;
import dev.nightjar.jobs.config.ConfigKeys;
import dev.nightjar.jobs.config.NightjarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Lists every config key ({@link ConfigKeys#all()}: key, allowed values, default, meaning) after checking the config given. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "List every nightjar.* config key with its allowed values, default and meaning, after checking --conf and --set.")
public final class ConfigCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    NightjarConfig config = common.config();
    List<List<String>> rows = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      rows.add(List.of(key.name(), key.allowed(), key.defaultText().isEmpty() ? "(none)" : key.defaultText(), key.doc()));
    }
    TablePrinter.aligned(System.out, List.of("key", "allowed", "default", "meaning"), rows);
    System.out.println();
    System.out.println("spark.* settings in effect: " + config.spark());
    return 0;
  }
}

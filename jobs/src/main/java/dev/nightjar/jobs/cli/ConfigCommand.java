package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.config.ConfigKey;
import dev.nightjar.jobs.config.ConfigKeys;
import dev.nightjar.jobs.config.ConfigReader;
import dev.nightjar.jobs.config.NightjarConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * Lists every config key ({@link ConfigKeys#all()}) with its effective value and where that value came from
 * (default, the --conf file, or --set), after checking the config given.
 *
 * <pre>{@code
 * bin/nightjar config --set nightjar.als.rank=64
 * # nightjar.als.rank   64   --set   32   an integer in 1..1024   ALS rank ...
 * }</pre>
 */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = {"List every nightjar.* config key with its effective value and where it came from (default, the --conf file, "
        + "or --set), its default, allowed values and meaning, after checking --conf and --set.",
        "Nights with nightjar.tune.use=latest overlay the latest tuned parameters (model_params) on train and recommend."})
public final class ConfigCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    ConfigReader reader = common.configReader();
    NightjarConfig config = reader.readAll();
    List<List<String>> rows = new ArrayList<>();
    for (ConfigKey<?> key : ConfigKeys.all()) {
      ConfigReader.Setting setting = reader.setting(key);
      rows.add(List.of(key.name(), shown(setting.value()), setting.source(), shown(key.defaultText()), key.allowed(), key.doc()));
    }
    TablePrinter.aligned(System.out, List.of("key", "value", "from", "default", "allowed", "meaning"), rows);
    System.out.println();
    System.out.println("spark.* settings in effect: " + config.spark());
    return 0;
  }

  private static String shown(String text) {
    return text.isEmpty() ? "(none)" : text;
  }
}

package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.gpu.GpuPlanCheck;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.StageContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code nightjar gpu-plan}: which operators of the SQL preprocessing would stay on the CPU under the
 * RAPIDS Accelerator, checked on a CPU machine. Exit 0 when every one is on the allowlist, 1 otherwise,
 * 2 when the RAPIDS jar is not on the classpath.
 */
@Command(name = "gpu-plan", mixinStandardHelpOptions = true,
    description = {
      "List the operators of Nightjar's Spark plans that would not run on the GPU (RAPIDS explain; no GPU needed).",
      "Build the physical plans of ingest, interactions and the evaluation joins and aggregations on a tiny seeded",
      "lakehouse (a temporary folder), ask the RAPIDS Accelerator (ExplainPlan.explainPotentialGpuPlan; no GPU needed)",
      "which operators would not run on the GPU, and print them per stage with RAPIDS' reason and the allowlist's",
      "justification. Exit 1 when any is not on the allowlist. Needs the RAPIDS jar on the classpath (bin/nightjar",
      "has it once Maven has resolved it; with spark-submit: --jars).",
      "Last line: gpu-plan: N operators stay on CPU outside the allowlist"})
public final class GpuPlanCommand implements Callable<Integer> {
  @Option(names = "--conf", paramLabel = "FILE", defaultValue = "${env:NIGHTJAR_CONF}",
      description = "Config file (spark.* and nightjar.* settings); env NIGHTJAR_CONF.")
  Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--keep", description = "Keep the temporary lakehouse (its path is printed) instead of deleting it.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    if (!GpuPlanCheck.rapidsOnClasspath()) {
      throw new IllegalStateException(GpuPlanCheck.MISSING_JAR_MESSAGE);
    }
    NightjarConfig config = NightjarConfig.load(conf, overrides);
    Path work = Files.createTempDirectory("nightjar-gpu-plan");
    SparkSession spark = Sessions.open("nightjar gpu-plan", config.spark());
    try {
      GpuPlanCheck.Result result =
          GpuPlanCheck.run(new StageContext(spark, new Lakehouse(spark, work.resolve("lakehouse")), config), work);
      if (keep) {
        System.out.println("Temporary lakehouse kept at " + work.resolve("lakehouse"));
      }
      GpuPlanCheck.print(result, System.out);
      return result.outsideAllowlist() == 0 ? 0 : 1;
    } finally {
      spark.stop();
      if (!keep) {
        deleteTree(work);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

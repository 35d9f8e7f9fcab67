package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.bench.PipelineBenchmark;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.models.scoring.ScoringBenchmark;
import dev.nightjar.models.text.EmbeddingBenchmark;
import dev.nightjar.models.text.EmbeddingParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Benchmarks: a contender and its reference side by side in one process, printing the ratio
 * ({@code scoring}, {@code embedding}); and the whole nightly pipeline at a chosen size ({@code pipeline}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Side-by-side benchmarks (same process, same data; the fast path is checked against the reference), "
        + "and `bench pipeline`: the nightly stages on a seeded shop of a chosen size, cost per stage."},
    subcommands = {BenchCommand.Scoring.class, BenchCommand.Embedding.class, BenchCommand.Pipeline.class})
public final class BenchCommand {

  @Command(name = "scoring", mixinStandardHelpOptions = true,
      description = {"Exact all-users top-k: Nightjar's blockwise scorer vs MLlib's recommendForAllUsers on the same random factors.",
          "Last line: scoring: nightjar Ts, mllib Ts, speedup R, agree true|false, gflops G, sgemm-share P%%"})
  public static final class Scoring implements Callable<Integer> {
    @Mixin CommonOptions common;

    @Option(names = "--users", defaultValue = "100000", description = "Users (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "50000", description = "Items (default ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--rank", defaultValue = "64", description = "Factor rank (default ${DEFAULT-VALUE}).")
    int rank;

    @Option(names = "--k", defaultValue = "100", description = "List length (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random factors (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
      SparkSession spark = Sessions.open("nightjar bench scoring", common.config().spark());
      try {
        ScoringBenchmark.Result result = ScoringBenchmark.run(spark, new ScoringBenchmark.Params(users, items, rank, k, seed));
        System.out.println(result.line());
        return result.agree() ? 0 : 1;
      } finally {
        spark.stop();
      }
    }
  }

  @Command(name = "embedding", mixinStandardHelpOptions = true,
      description = {"Item text embedding: Nightjar's batched encoder vs the same encoder at batch 1 vs langchain4j's runner.",
          "Texts: distinct Online Retail descriptions (--shared DIR) or generated titles.",
          "Last line: embedding: batched N/s, batch1 N/s, langchain4j N/s, speedup R, min-cosine C"})
  public static final class Embedding implements Callable<Integer> {
    @Option(names = "--texts", defaultValue = "3000", description = "Texts to embed (default ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--batch-size", defaultValue = "64", description = "Batch size of the batched way (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--shared", defaultValue = "../shared", description = "Folder holding datasets/online-retail (default ${DEFAULT-VALUE}).")
    Path shared;

    @Override
    public Integer call() throws Exception {
      Optional<Path> sharedDir = Files.isDirectory(shared.resolve("datasets/online-retail")) ? Optional.of(shared) : Optional.empty();
      EmbeddingParams encoder = new EmbeddingParams(batchSize, EmbeddingParams.DEFAULT_MAX_LENGTH, EmbeddingParams.DEFAULT_DEVICE);
      EmbeddingBenchmark.Result result = EmbeddingBenchmark.run(new EmbeddingBenchmark.Params(sharedDir, texts, 1, encoder));
      System.out.println(result.line());
      return result.agrees() ? 0 : 1;
    }
  }

  @Command(name = "pipeline", mixinStandardHelpOptions = true,
      description = {"The whole nightly pipeline on a seeded synthetic shop of the given size: the cost of each stage.",
          "It runs in a temporary lakehouse and prints, per stage, the wall time, rows in and out, rows/s, peak JVM heap and",
          "peak process RSS, and its share of the total.",
          "Last line: bench pipeline: U users, I items, E events: nightly Ts, dominant stage S (P%%)"})
  public static final class Pipeline implements Callable<Integer> {
    @Option(names = "--users", defaultValue = "4000", description = "Shoppers (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--items", defaultValue = "2000", description = "Catalogue items (default ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--events", defaultValue = "200000", description = "Events, about (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the generator (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--conf", paramLabel = "FILE", defaultValue = "${env:NIGHTJAR_CONF}",
        description = "Config file (spark.* and nightjar.* settings); env NIGHTJAR_CONF.")
    Path conf;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key (repeatable).")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--keep", description = "Keep the temporary folder (shop files and lakehouse) and print its path.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
      PipelineBenchmark.Params params = new PipelineBenchmark.Params(users, items, events, seed);
      NightjarConfig config = NightjarConfig.load(conf, overrides);
      Path work = Files.createTempDirectory("nightjar-bench-pipeline");
      SparkSession spark = Sessions.open("nightjar bench pipeline", config.spark());
      try {
        PipelineBenchmark.Result result =
            PipelineBenchmark.run(new StageContext(spark, new Lakehouse(spark, work.resolve("lakehouse")), config), work, params);
        PipelineBenchmark.print(result, System.out);
        if (keep) {
          System.out.println("Kept " + work);
        }
        return 0;
      } finally {
        spark.stop();
        if (!keep) {
          try (var paths = Files.walk(work)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
          }
        }
      }
    }
  }
}

package dev.nightjar.jobs.cli;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.Pipeline;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs one stage of the nightly pipeline for one logical date. Subclasses only name the stage. */
public abstract class StageCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--date", required = true, paramLabel = "YYYY-MM-DD", description = "The logical date D of the run.")
  LocalDate date;

  private final String stage;

  protected StageCommand(String stage) {
    this.stage = stage;
  }

  @Override
  public Integer call() {
    RunReport report = common.withContext("nightjar " + stage + " " + date, ctx -> Pipeline.runStage(stage, ctx, date));
    Reports.print(System.out, List.of(report));
    return 0;
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true,
      description = {"Validate raw events due by the end of D into `events` (partition ingest_date = D) or `quarantine` (with a reason),",
          "and rebuild `items` from `raw_items`. Every raw event is taken by exactly one night; rerunning D gives the same rows."})
  public static final class Ingest extends StageCommand {
    public Ingest() {
      super("ingest");
    }
  }

  @Command(name = "embed-items", mixinStandardHelpOptions = true,
      description = {"Embed item text (title, category, brand, description; see nightjar.embedding.template) with the",
          "all-MiniLM-L6-v2 sentence encoder through DJL, offline; only new or changed items are embedded."})
  public static final class EmbedItems extends StageCommand {
    public EmbedItems() {
      super("embed-items");
    }
  }

  @Command(name = "interactions", mixinStandardHelpOptions = true,
      description = "Weighted, time-decayed user x item interactions over the look-back window ending at D (bots left out).")
  public static final class Interactions extends StageCommand {
    public Interactions() {
      super("interactions");
    }
  }

  @Command(name = "profiles", mixinStandardHelpOptions = true,
      description = {"User profiles for D: content vectors (weighted mean of item embeddings), interest categories with",
          "exposure/positive counts and Beta posteriors, population priors, interest labels and k-means segments."})
  public static final class Profiles extends StageCommand {
    public Profiles() {
      super("profiles");
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Train implicit ALS (fixed seed) on D's interactions; write factors keyed by stable user/item indexes.")
  public static final class Train extends StageCommand {
    public Train() {
      super("train");
    }
  }

  @Command(name = "recommend", mixinStandardHelpOptions = true,
      description = {"Top-k per user for D: ALS and content candidates (exact blockwise top-N), trending and repurchase,",
          "blended with per-source weights, business rules, MMR diversity, exploration slots (Thompson sampling) and reasons."})
  public static final class Recommend extends StageCommand {
    public Recommend() {
      super("recommend");
    }
  }
}

package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.reliability.RetentionStage;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one list of Nightjar's stages: what {@code nightly} runs and in which order ({@link #NIGHTLY}), the CLI's
 * stage commands (one per stage of {@link #NIGHTLY}, described by {@link Stage#description}), and the order the
 * Airflow DAG must keep ({@link #DAG}, which {@code airflow/check_dag.py}'s {@code CORE_STAGES} must equal;
 * {@code StagesTest} compares them). Every stage runs inside its own Spark job group ({@link JobGroup}); the
 * stages of {@link TunedParams#TUNED_STAGES} run with the night's tuned parameters and record them in their run
 * report ({@value TunedParams#RECORDED_PARAMS}, {@value TunedParams#RECORDED_FROM}), every other stage with the
 * configuration as given.
 *
 * <pre>{@code
 * for (Stage stage : Stages.NIGHTLY) {
 *   System.out.println(stage.name() + ": " + stage.description());
 * }
 * RunReport r = Stages.named("interactions").run(StageContext.forNight(ctx, date), date);
 * }</pre>
 */
public final class Stages {
  private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

  public static final Stage INGEST = stage(IngestStage.NAME,
      "Validate raw events due by the end of D into `events` (partition ingest_date = D) or `quarantine` (with a reason), "
          + "and rebuild `items` from `raw_items`; every raw event is taken by exactly one night, and rerunning D gives the same rows.",
      IngestStage::run);
  public static final Stage EMBED_ITEMS = stage(EmbedItemsStage.NAME,
      "Embed item text (title, category, brand, description; see nightjar.embedding.template) with the all-MiniLM-L6-v2 "
          + "sentence encoder through DJL, offline; only new or changed items are embedded.",
      EmbedItemsStage::run);
  public static final Stage INTERACTIONS = stage(InteractionsStage.NAME,
      "Weighted, time-decayed user x item interactions over the look-back window ending at D (bots left out).",
      InteractionsStage::run);
  public static final Stage PROFILES = stage(ProfilesStage.NAME,
      "User profiles for D: content vectors (weighted mean of item embeddings), interest categories with exposure/positive "
          + "counts and Beta posteriors, population priors, interest labels and k-means segments.",
      ProfilesStage::run);
  public static final Stage TUNE = stage(TuneStage.NAME,
      "Re-tune the model and list parameters on the events up to D when the last tuning is nightjar.tune.everyDays old.",
      TuneStage::run);
  public static final Stage TRAIN = stage(TrainStage.NAME,
      "Train implicit ALS (fixed seed) on D's interactions; write factors keyed by stable user/item indexes.",
      TrainStage::run);
  public static final Stage RECOMMEND = stage(RecommendStage.NAME,
      "Top-k per user for D: ALS and content candidates (exact blockwise top-N), trending and repurchase, blended with "
          + "per-source weights, business rules, MMR diversity, exploration slots (Thompson sampling) and reasons.",
      RecommendStage::run);
  public static final Stage EVALUATE = stage(EvaluateStage.NAME,
      "Offline evaluation of D: retrain on a training part, score every configured variant on the test part, write `metrics`.",
      EvaluateStage::run);
  public static final Stage PUBLISH = stage(PublishStage.NAME,
      "Promote D's lists to `published_recommendations` if the gate on D's `metrics` passes.",
      PublishStage::run);
  public static final Stage RETENTION = stage(RetentionStage.NAME,
      "Delete raw_events rows older than D minus nightjar.privacy.rawRetentionDays, then VACUUM raw_events (its own command, not part of the night).",
      RetentionStage::run);

  /**
   * The profiles an offline workspace scores with: the same vectors, interests and priors as {@link #PROFILES},
   * without k-means segments, neighbours or analyst summaries. Not a CLI command and not part of the night.
   */
  public static final Stage PROFILES_FOR_SCORING = stage(ProfilesStage.NAME,
      "User profiles for scoring in an offline workspace (evaluate, tune): vectors, interests and priors only.",
      ProfilesStage::runForScoring);

  /** What {@code nightly} runs for D, in order. */
  public static final List<Stage> NIGHTLY = List.of(INGEST, EMBED_ITEMS, INTERACTIONS, PROFILES, TRAIN, RECOMMEND);

  /**
   * The Airflow DAG's order: the nightly stages with the weekly re-tune between {@code profiles} and {@code train},
   * then offline evaluation and the gated publication.
   */
  public static final List<Stage> DAG = List.of(INGEST, EMBED_ITEMS, INTERACTIONS, PROFILES, TUNE, TRAIN, RECOMMEND, EVALUATE, PUBLISH);

  /** Every stage. */
  public static final List<Stage> ALL = Stream.concat(DAG.stream(), Stream.of(RETENTION)).toList();

  private Stages() {}

  /** The names of {@code stages}, in order. */
  public static List<String> names(List<Stage> stages) {
    return stages.stream().map(Stage::name).toList();
  }

  /** The stage called {@code name}. */
  public static Stage named(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown stage '" + name + "'; stages: " + names(ALL)));
  }

  private static Stage stage(String name, String description, BiFunction<StageContext, LocalDate, RunReport> run) {
    return new Registered(name, description, run, TunedParams.TUNED_STAGES.contains(name));
  }

  /** A stage of the list: runs in its job group, logs its time, and applies (and records) the night's tuned parameters if it is tuned. */
  private record Registered(String name, String description, BiFunction<StageContext, LocalDate, RunReport> body, boolean tuned)
      implements Stage {
    @Override
    public RunReport run(StageContext ctx, LocalDate date) {
      long start = System.nanoTime();
      LOG.info("Stage {} for {} starting", name, date);
      StageContext stageCtx = tuned ? ctx : ctx.asConfigured();
      RunReport report;
      try (JobGroup group = JobGroup.open(ctx.spark(), name, "nightjar " + name + " " + date)) {
        report = body.apply(stageCtx, date);
        Optional<TunedParams.Chosen> applied = stageCtx.tuned();
        if (applied.isPresent()) {
          report.detail(TunedParams.RECORDED_FROM, applied.get().tunedOn())
              .detail(TunedParams.RECORDED_PARAMS, TunedParams.recorded(applied.get().params())).write(ctx.lake());
        }
      }
      LOG.info("Stage {} for {} done in {} s ({})", name, date, String.format("%.1f", (System.nanoTime() - start) / 1e9), report.status());
      return report;
    }

    @Override
    public String toString() {
      return name;
    }
  }
}

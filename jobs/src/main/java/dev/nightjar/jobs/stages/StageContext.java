package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.privacy.PseudonymKey;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What every stage needs: the session, the lakehouse and the config. A night's context
 * ({@link #forNight}) also carries the tuned parameters it applies: {@code config} is then the configuration as
 * given overlaid with them (what {@code train} and {@code recommend} run with), {@code configured} the
 * configuration as given (what every other stage runs with, {@link #asConfigured}).
 *
 * <pre>{@code
 * StageContext night = StageContext.forNight(new StageContext(spark, lake, config), date);
 * night.tuned();                           // the model_params row applied, if any
 * Stages.named("train").run(night, date);  // trains with the tuned parameters, as `bin/nightjar train` does
 * }</pre>
 *
 * @param spark the open session
 * @param lake the lakehouse the stage reads and writes
 * @param config the typed configuration (with the tuned parameters of {@code tuned}, if any)
 * @param configured the configuration as given, without tuned parameters
 * @param tuned the chosen tuned parameters {@code config} applies; empty: {@code config} is {@code configured}
 */
public record StageContext(SparkSession spark, Lakehouse lake, NightjarConfig config, NightjarConfig configured,
    Optional<TunedParams.Chosen> tuned) {
  /** A context with the configuration as given. */
  public StageContext(SparkSession spark, Lakehouse lake, NightjarConfig config) {
    this(spark, lake, config, config, Optional.empty());
  }

  /**
   * The context of night {@code date}: {@code ctx} with the latest tuned parameters overlaid when they apply
   * ({@link TunedParams#applicable}: a production lakehouse, {@code nightjar.tune.use=latest} and a chosen row of
   * {@code model_params} tuned on or before D); {@code ctx} itself otherwise. {@code model_params} is read once,
   * here, so every stage of the night (and a stage called directly with this context) sees the same parameters.
   */
  public static StageContext forNight(StageContext ctx, LocalDate date) {
    Optional<TunedParams.Chosen> chosen = TunedParams.applicable(ctx, date);
    if (chosen.isEmpty()) {
      return ctx;
    }
    return new StageContext(ctx.spark(), ctx.lake(), TunedParams.overlay(ctx.configured(), chosen.get().params()), ctx.configured(),
        chosen);
  }

  /** This context with the configuration as given (no tuned parameters), for the stages tuning does not concern. */
  public StageContext asConfigured() {
    return tuned.isEmpty() ? this : new StageContext(spark, lake, configured);
  }

  /**
   * The pseudonym key ({@link PseudonymKey#load}): {@code NIGHTJAR_PSEUDONYM_KEY}, else the secret file
   * ({@code nightjar.privacy.pseudonymKeyFile} or {@code NIGHTJAR_PSEUDONYM_KEY_FILE}), else — embedded runs
   * only — the production lakehouse's generated local key (experiments share it). A cluster run without
   * one fails. Loaded on each call (a small file read); logs only the fingerprint.
   */
  public byte[] pseudonymKey() {
    return PseudonymKey.load(System.getenv(), config.privacy().pseudonymKeyFile(), spark.sparkContext().isLocal(),
        lake.productionRoot(), spark.sparkContext().hadoopConfiguration());
  }
}

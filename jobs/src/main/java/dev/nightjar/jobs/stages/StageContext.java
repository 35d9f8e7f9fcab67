package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.privacy.PseudonymKey;
import org.apache.spark.sql.SparkSession;

/**
 * What every stage needs: the session, the lakehouse and the config.
 *
 * @param spark the open session
 * @param lake the lakehouse the stage reads and writes
 * @param config the typed configuration
 */
public record StageContext(SparkSession spark, Lakehouse lake, NightjarConfig config) {
  /**
   * The pseudonym key ({@link PseudonymKey#load}): {@code NIGHTJAR_PSEUDONYM_KEY}, else the secret file
   * ({@code nightjar.privacy.pseudonymKeyFile} or {@code NIGHTJAR_PSEUDONYM_KEY_FILE}), else — embedded runs
   * only — the production lakehouse's generated local key (experiments share it). A cluster run without
   * one fails. Loaded on each call (a small file read); logs only the fingerprint.
   */
  public byte[] pseudonymKey() {
    return PseudonymKey.load(
        System.getenv(), config.privacy().pseudonymKeyFile(), spark.sparkContext().isLocal(), lake.productionRoot());
  }
}

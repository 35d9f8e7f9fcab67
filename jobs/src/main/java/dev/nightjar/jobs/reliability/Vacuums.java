package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.RetentionSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VACUUM for {@code retention} and {@code forget}: removes the data files that no version younger
 * than the retention still needs, so deleted rows also disappear from time travel. A retention
 * shorter than Delta's safety threshold is checked before anything is deleted, so a misconfigured
 * run fails at once instead of after its deletes.
 *
 * <pre>{@code
 * Vacuums.requireAllowed(spark, 0);            // fails unless retentionDurationCheck is off
 * Vacuums.vacuum(lake, Tables.RAW_EVENTS, 0);  // old versions of raw_events can no longer be read
 * }</pre>
 */
public final class Vacuums {
  private static final Logger LOG = LoggerFactory.getLogger(Vacuums.class);

  /** Delta's guard against VACUUMs shorter than the table's deleted-file retention (default 1 week). */
  public static final String RETENTION_CHECK_KEY = "spark.databricks.delta.retentionDurationCheck.enabled";

  private Vacuums() {}

  /**
   * Fails, naming both settings, when {@code hours} is below {@value RetentionSettings#DELTA_SAFE_VACUUM_HOURS}
   * and Delta's safety check is still on (Delta would refuse the VACUUM).
   */
  public static void requireAllowed(SparkSession spark, int hours) {
    boolean checked = Boolean.parseBoolean(spark.conf().get(RETENTION_CHECK_KEY, "true"));
    if (hours < RetentionSettings.DELTA_SAFE_VACUUM_HOURS && checked) {
      throw new ConfigException(
          "nightjar.privacy.vacuumRetentionHours = " + hours + " is below Delta's safety threshold of "
              + RetentionSettings.DELTA_SAFE_VACUUM_HOURS + " hours: also set " + RETENTION_CHECK_KEY
              + "=false (--set " + RETENTION_CHECK_KEY + "=false), and only while no other job reads or writes the "
              + "lakehouse; or use a value of at least " + RetentionSettings.DELTA_SAFE_VACUUM_HOURS);
    }
  }

  /** VACUUMs {@code table}, keeping files removed less than {@code hours} ago. */
  public static void vacuum(Lakehouse lake, String table, int hours) {
    LOG.info("VACUUM {} retaining {} hours", table, hours);
    DeltaTable.forPath(lake.spark(), lake.path(table)).vacuum(hours);
  }
}

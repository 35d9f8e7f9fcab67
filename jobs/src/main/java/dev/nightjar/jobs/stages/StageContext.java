package dev.nightjar.jobs.stages;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import org.apache.spark.sql.SparkSession;

/**
 * What every stage needs: the session, the lakehouse and the config.
 *
 * @param spark the open session
 * @param lake the lakehouse the stage reads and writes
 * @param config the typed configuration
 */
public record StageContext(SparkSession spark, Lakehouse lake, NightjarConfig config) {}

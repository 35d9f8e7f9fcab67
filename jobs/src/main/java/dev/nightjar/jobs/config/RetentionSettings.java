package dev.nightjar.jobs.config;

/**
 * Settings of the {@code retention} and {@code forget} commands (docs/reliability.md); keys in {@link ConfigKeys.Retention}.
 *
 * <pre>{@code
 * RetentionSettings r = NightjarConfig.defaults().retention();
 * r.rawRetentionDays(); // 400
 * }</pre>
 *
 * @param rawRetentionDays raw events older than D minus this many days are deleted by {@code retention --date D}
 * @param vacuumRetentionHours VACUUM keeps files removed less than this many hours ago (time travel and
 *     concurrent readers need them); below {@value #DELTA_SAFE_VACUUM_HOURS} Delta also needs
 *     {@code spark.databricks.delta.retentionDurationCheck.enabled=false}
 */
public record RetentionSettings(int rawRetentionDays, int vacuumRetentionHours) {
  public static final int DEFAULT_RAW_RETENTION_DAYS = 400;
  public static final int DEFAULT_VACUUM_RETENTION_HOURS = 168;
  /** Delta's default {@code delta.deletedFileRetentionDuration} (1 week): shorter VACUUMs need the safety check off. */
  public static final int DELTA_SAFE_VACUUM_HOURS = 168;
}

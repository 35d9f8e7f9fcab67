package dev.nightjar.transforms;

/**
 * Settings of the {@code ingest} stage.
 *
 * @param maxEventAgeDays events older than D minus this many days are quarantined as {@code too_old}
 * @param maxFutureSkewHours events stamped later than their import time plus this skew are
 *     quarantined as {@code future_timestamp}
 */
public record IngestParams(int maxEventAgeDays, int maxFutureSkewHours) {
  public static final int DEFAULT_MAX_EVENT_AGE_DAYS = 730;
  public static final int DEFAULT_MAX_FUTURE_SKEW_HOURS = 24;

  public IngestParams {
    if (maxEventAgeDays < 1) {
      throw new IllegalArgumentException("maxEventAgeDays must be >= 1, got " + maxEventAgeDays);
    }
    if (maxFutureSkewHours < 0) {
      throw new IllegalArgumentException("maxFutureSkewHours must be >= 0, got " + maxFutureSkewHours);
    }
  }

  public static IngestParams defaults() {
    return new IngestParams(DEFAULT_MAX_EVENT_AGE_DAYS, DEFAULT_MAX_FUTURE_SKEW_HOURS);
  }
}

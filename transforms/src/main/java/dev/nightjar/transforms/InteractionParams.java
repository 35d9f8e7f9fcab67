package dev.nightjar.transforms;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Settings of the {@code interactions} stage.
 *
 * @param lookbackDays events of the last this many days (D included) count
 * @param halfLifeDays an event's weight halves every this many days before the end of D
 * @param eventWeights weight per event type; types missing here (e.g. search) do not count
 * @param botMaxEventsPerDay users with more events than this on any day of the window are treated
 *     as bots and left out
 */
public record InteractionParams(
    int lookbackDays,
    double halfLifeDays,
    Map<String, Double> eventWeights,
    long botMaxEventsPerDay) {
  public static final int DEFAULT_LOOKBACK_DAYS = 90;
  public static final double DEFAULT_HALF_LIFE_DAYS = 30.0;
  public static final long DEFAULT_BOT_MAX_EVENTS_PER_DAY = 500;

  /** Default weights: stronger intent counts more. */
  public static Map<String, Double> defaultEventWeights() {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put(EventTypes.VIEW, 1.0);
    weights.put(EventTypes.CART, 3.0);
    weights.put(EventTypes.FAVORITE, 3.0);
    weights.put(EventTypes.PURCHASE, 5.0);
    weights.put(EventTypes.RATING, 2.0);
    weights.put(EventTypes.REVIEW, 2.0);
    return weights;
  }

  public InteractionParams {
    if (lookbackDays < 1) {
      throw new IllegalArgumentException("lookbackDays must be >= 1, got " + lookbackDays);
    }
    if (!(halfLifeDays > 0)) {
      throw new IllegalArgumentException("halfLifeDays must be > 0, got " + halfLifeDays);
    }
    if (botMaxEventsPerDay < 1) {
      throw new IllegalArgumentException("botMaxEventsPerDay must be >= 1, got " + botMaxEventsPerDay);
    }
    for (Map.Entry<String, Double> w : eventWeights.entrySet()) {
      if (!EventTypes.ALL.contains(w.getKey())) {
        throw new IllegalArgumentException(
            "unknown event type '" + w.getKey() + "' in event weights; allowed: " + EventTypes.ALL);
      }
      if (w.getValue() < 0) {
        throw new IllegalArgumentException("weight of " + w.getKey() + " must be >= 0, got " + w.getValue());
      }
    }
    eventWeights = Map.copyOf(eventWeights);
  }

  public static InteractionParams defaults() {
    return new InteractionParams(
        DEFAULT_LOOKBACK_DAYS,
        DEFAULT_HALF_LIFE_DAYS,
        defaultEventWeights(),
        DEFAULT_BOT_MAX_EVENTS_PER_DAY);
  }
}

package dev.nightjar.transforms;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the {@code interactions} stage: which of a user's events count, and how much.
 *
 * <p>By default every retained event up to D counts (ingest's {@code maxEventAgeDays} bounds the history), capped
 * per user at the {@code maxEventsPerUser} most recent, and an event's weight halves every {@code halfLifeDays}
 * before <em>the user's own last event</em> ({@link Recency#USER}): a customer who comes back after months keeps
 * their history at full strength instead of decaying to nothing, as a calendar window would do to them.
 *
 * <pre>{@code
 * InteractionParams all = InteractionParams.defaults();                       // all history, user recency
 * InteractionParams lastWeek = InteractionParams.window(7, 3.0, InteractionParams.defaultEventWeights(), 500);
 * }</pre>
 *
 * @param lookbackDays only events of the last this many days (D included) count; 0 = all retained history
 * @param halfLifeDays an event's weight halves every this many days before the reference time of {@code recency}
 * @param eventWeights weight per event type; types missing here (e.g. search) do not count
 * @param botMaxEventsPerDay users with more events than this on any day are treated as bots and left out
 * @param recency what an event's age is measured from
 * @param maxEventsPerUser only each user's this many most recent events count; 0 = no cap
 */
public record InteractionParams(
    int lookbackDays,
    double halfLifeDays,
    Map<String, Double> eventWeights,
    long botMaxEventsPerDay,
    Recency recency,
    int maxEventsPerUser) {
  /** All retained history. */
  public static final int DEFAULT_LOOKBACK_DAYS = 0;
  public static final double DEFAULT_HALF_LIFE_DAYS = 90.0;
  public static final long DEFAULT_BOT_MAX_EVENTS_PER_DAY = 500;
  public static final Recency DEFAULT_RECENCY = Recency.USER;
  public static final int DEFAULT_MAX_EVENTS_PER_USER = 500;

  /** What an event's age is measured from. */
  public enum Recency {
    /** The user's own last counted event: a returning customer's history is not decayed by their absence. */
    USER,
    /** The end of D: the calendar age (what trending, a shop-wide signal, uses). */
    CALENDAR;

    /** The name in config, {@code user} or {@code calendar}. */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The recency named {@code id}; fails naming the allowed ones. */
    public static Recency of(String id) {
      for (Recency r : values()) {
        if (r.id().equals(id)) {
          return r;
        }
      }
      throw new IllegalArgumentException("unknown recency '" + id + "'; allowed: user, calendar");
    }
  }

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
    if (lookbackDays < 0) {
      throw new IllegalArgumentException("lookbackDays must be >= 0 (0 = all retained history), got " + lookbackDays);
    }
    if (!(halfLifeDays > 0)) {
      throw new IllegalArgumentException("halfLifeDays must be > 0, got " + halfLifeDays);
    }
    if (botMaxEventsPerDay < 1) {
      throw new IllegalArgumentException("botMaxEventsPerDay must be >= 1, got " + botMaxEventsPerDay);
    }
    if (maxEventsPerUser < 0) {
      throw new IllegalArgumentException("maxEventsPerUser must be >= 0 (0 = no cap), got " + maxEventsPerUser);
    }
    if (recency == null) {
      throw new IllegalArgumentException("recency must be given (user or calendar)");
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

  /** A calendar window: the last {@code days} days, ages from the end of D, no per-user cap. */
  public static InteractionParams window(int days, double halfLifeDays, Map<String, Double> eventWeights, long botMaxEventsPerDay) {
    return new InteractionParams(days, halfLifeDays, eventWeights, botMaxEventsPerDay, Recency.CALENDAR, 0);
  }

  public static InteractionParams defaults() {
    return new InteractionParams(
        DEFAULT_LOOKBACK_DAYS,
        DEFAULT_HALF_LIFE_DAYS,
        defaultEventWeights(),
        DEFAULT_BOT_MAX_EVENTS_PER_DAY,
        DEFAULT_RECENCY,
        DEFAULT_MAX_EVENTS_PER_USER);
  }

  /** These settings with another history: look-back, half-life, recency and cap. */
  public InteractionParams withHistory(int lookbackDays, double halfLifeDays, Recency recency, int maxEventsPerUser) {
    return new InteractionParams(lookbackDays, halfLifeDays, eventWeights, botMaxEventsPerDay, recency, maxEventsPerUser);
  }

  /** A short description for logs, e.g. {@code all history, 500 latest events per user, half-life 90 d from the user's last event}. */
  public String describeHistory() {
    return (lookbackDays == 0 ? "all history" : "the last " + lookbackDays + " days")
        + (maxEventsPerUser == 0 ? "" : ", " + maxEventsPerUser + " latest events per user")
        + ", half-life " + halfLifeDays + " d from " + (recency == Recency.USER ? "the user's last event" : "the end of D");
  }
}

package dev.nightjar.jobs.demo;

import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How the shoppers and bots of a {@link SyntheticShop} behave.
 *
 * <p>A shopper has 1 to 3 latent interest categories and an activity level (log-normal, mean 1: many
 * light shoppers, a few heavy ones). On each day a shopper starts a Poisson number of sessions, mostly
 * in the evening; a shopper who drew no session in the whole window gets one, so every shopper has
 * events. A session is about one interest: maybe a search first, then a few views of popular items of
 * that category, sometimes a detour to another category, sometimes a favourite, sometimes an
 * add-to-cart of a viewed item, half of those bought, some purchases rated or reviewed. Detours are
 * capped so that at least {@code 1 - MAX_DETOUR_SHARE} (88%) of every shopper's item events are in
 * their interests. A bot views {@value #BOT_MIN_VIEWS_PER_DAY} to {@value #BOT_MAX_VIEWS_PER_DAY}
 * random items every day in one long session.
 */
final class ShopperSimulator {

  static final double ONE_INTEREST_SHARE = 0.4;
  static final double TWO_INTERESTS_SHARE = 0.4;
  /** Share of a shopper's sessions about their first interest when they have more than one. */
  static final double FIRST_INTEREST_WEIGHT = 0.6;
  /** Standard deviation of the log of a shopper's activity level. */
  static final double ACTIVITY_LOG_SD = 1.0;
  /** Chance that a view after the first of a session is a detour to a category outside the interests. */
  static final double DETOUR_CHANCE = 0.25;
  /** Detours are skipped when they would make more than this share of a shopper's item events. */
  static final double MAX_DETOUR_SHARE = 0.12;
  static final double SEARCH_SHARE = 0.35;
  static final double MEAN_VIEWS_AFTER_FIRST = 2.5;
  static final double FAVORITE_SHARE = 0.05;
  static final double CART_SHARE = 0.3;
  static final double PURCHASE_GIVEN_CART = 0.5;
  static final double RATING_GIVEN_PURCHASE = 0.3;
  static final double REVIEW_GIVEN_PURCHASE = 0.1;
  static final double EXPECTED_EVENTS_PER_SESSION = 1 + MEAN_VIEWS_AFTER_FIRST + SEARCH_SHARE + FAVORITE_SHARE
      + CART_SHARE * (1 + PURCHASE_GIVEN_CART * (1 + RATING_GIVEN_PURCHASE + REVIEW_GIVEN_PURCHASE));
  static final double SINGLE_ITEM_PURCHASE_SHARE = 0.8;
  static final int MAX_QUANTITY = 5;
  static final int MIN_SECONDS_BETWEEN_EVENTS = 5;
  static final int MAX_SECONDS_BETWEEN_EVENTS = 180;

  static final int BOT_MIN_VIEWS_PER_DAY = 1000;
  static final int BOT_MAX_VIEWS_PER_DAY = 1200;
  static final double BOT_MEAN_VIEWS_PER_DAY = (BOT_MIN_VIEWS_PER_DAY + BOT_MAX_VIEWS_PER_DAY) / 2.0;
  static final int BOT_MAX_SECONDS_BETWEEN_VIEWS = 60;

  private static final int LAST_SECOND_OF_DAY = 86_399;
  /** Relative chance that a session starts in each UTC hour of the day. */
  private static final double[] SESSION_START_HOUR_WEIGHTS =
      {2, 1, 1, 1, 1, 1, 2, 4, 6, 7, 8, 8, 9, 8, 7, 7, 8, 9, 11, 13, 14, 12, 8, 4};
  private static final double[] CUMULATIVE_START_HOUR_WEIGHTS = cumulative(SESSION_START_HOUR_WEIGHTS);
  /** Ratings drawn uniformly from this list: mostly good ones. */
  private static final String[] RATING_DRAW = {"1", "2", "3", "3", "4", "4", "4", "5", "5", "5"};
  private static final String[] QUANTITIES = {"1", "2", "3", "4", "5"};

  private final ShopCatalogue catalogue;
  private final EventsCsvWriter events;
  private final int days;
  private final double eventsPerUserPerDay;
  private long lastSessionNumber;
  private int[] sessionStarts = new int[8];
  private int[] interestItemsViewed = new int[32];
  /** Item events of the current shopper so far, and how many of them were detours. */
  private long itemEvents;
  private long detourEvents;

  ShopperSimulator(SyntheticShop.Params params, ShopCatalogue catalogue, EventsCsvWriter events) {
    this.catalogue = catalogue;
    this.events = events;
    this.days = params.days();
    this.eventsPerUserPerDay = params.eventsPerUserPerDay();
  }

  /** Draws 1 to 3 distinct interest categories, the first one the strongest. */
  int[] pickInterests(SplittableRandom random) {
    double draw = random.nextDouble();
    int wanted = draw < ONE_INTEREST_SHARE ? 1 : draw < ONE_INTEREST_SHARE + TWO_INTERESTS_SHARE ? 2 : 3;
    int[] interests = new int[Math.min(wanted, catalogue.categoryCount())];
    for (int i = 0; i < interests.length; i++) {
      int category;
      do {
        category = random.nextInt(catalogue.categoryCount());
      } while (contains(interests, i, category));
      interests[i] = category;
    }
    return interests;
  }

  /** Writes all events of one shopper over the whole window. */
  void simulateShopper(String userId, int[] interests, SplittableRandom random) throws IOException {
    double activity = Math.exp(ACTIVITY_LOG_SD * random.nextGaussian() - ACTIVITY_LOG_SD * ACTIVITY_LOG_SD / 2);
    double sessionsPerDay = eventsPerUserPerDay * activity / EXPECTED_EVENTS_PER_SESSION;
    itemEvents = 0;
    detourEvents = 0;
    long sessionsInWindow = 0;
    for (int day = 0; day < days; day++) {
      int sessions = poisson(sessionsPerDay, random);
      if (sessionStarts.length < sessions) {
        sessionStarts = new int[Math.max(sessions, 2 * sessionStarts.length)];
      }
      for (int s = 0; s < sessions; s++) {
        sessionStarts[s] = sessionStartSecond(random);
      }
      Arrays.sort(sessionStarts, 0, sessions);
      for (int s = 0; s < sessions; s++) {
        simulateSession(userId, interests, day, sessionStarts[s], random);
      }
      sessionsInWindow += sessions;
    }
    if (sessionsInWindow == 0) {
      simulateSession(userId, interests, random.nextInt(days), sessionStartSecond(random), random);
    }
  }

  /** Writes all views of one bot over the whole window; returns how many. */
  long simulateBot(String userId, SplittableRandom random) throws IOException {
    long views = 0;
    for (int day = 0; day < days; day++) {
      long session = ++lastSessionNumber;
      int viewsToday = BOT_MIN_VIEWS_PER_DAY + random.nextInt(BOT_MAX_VIEWS_PER_DAY - BOT_MIN_VIEWS_PER_DAY + 1);
      int second = random.nextInt(3600);
      for (int v = 0; v < viewsToday; v++) {
        String item = catalogue.itemId(catalogue.anyEventItem(random));
        events.write(userId, item, SyntheticShop.VIEW, day, second, null, session);
        second = Math.min(LAST_SECOND_OF_DAY, second + 1 + random.nextInt(BOT_MAX_SECONDS_BETWEEN_VIEWS));
      }
      views += viewsToday;
    }
    return views;
  }

  private void simulateSession(String userId, int[] interests, int day, int startSecond, SplittableRandom random)
      throws IOException {
    long session = ++lastSessionNumber;
    int category = interests.length == 1 || random.nextDouble() < FIRST_INTEREST_WEIGHT
        ? interests[0]
        : interests[1 + random.nextInt(interests.length - 1)];
    int second = startSecond;
    if (random.nextDouble() < SEARCH_SHARE) {
      events.write(userId, null, SyntheticShop.SEARCH, day, second, catalogue.searchQuery(category, random), session);
      second = later(second, random);
    }
    int views = 1 + geometric(MEAN_VIEWS_AFTER_FIRST, random);
    int interestViews = 0;
    boolean detoursPossible = interests.length < catalogue.categoryCount();
    for (int v = 0; v < views; v++) {
      int item;
      if (v > 0 && detoursPossible && random.nextDouble() < DETOUR_CHANCE
          && detourEvents + 1 <= MAX_DETOUR_SHARE * (itemEvents + 1)) {
        item = catalogue.popularItemIn(categoryOutside(interests, random), random);
        detourEvents++;
      } else {
        item = catalogue.popularItemIn(category, random);
        if (interestViews == interestItemsViewed.length) {
          interestItemsViewed = Arrays.copyOf(interestItemsViewed, 2 * interestViews);
        }
        interestItemsViewed[interestViews++] = item;
      }
      writeItemEvent(userId, item, SyntheticShop.VIEW, day, second, null, session);
      second = later(second, random);
    }
    // the first view is always in the session's interest, so interestViews >= 1 here
    if (random.nextDouble() < FAVORITE_SHARE) {
      int item = interestItemsViewed[random.nextInt(interestViews)];
      writeItemEvent(userId, item, SyntheticShop.FAVORITE, day, second, null, session);
      second = later(second, random);
    }
    if (random.nextDouble() < CART_SHARE) {
      int item = interestItemsViewed[random.nextInt(interestViews)];
      writeItemEvent(userId, item, SyntheticShop.CART, day, second, null, session);
      second = later(second, random);
      if (random.nextDouble() < PURCHASE_GIVEN_CART) {
        String quantity = random.nextDouble() < SINGLE_ITEM_PURCHASE_SHARE
            ? QUANTITIES[0]
            : QUANTITIES[1 + random.nextInt(MAX_QUANTITY - 1)];
        writeItemEvent(userId, item, SyntheticShop.PURCHASE, day, second, quantity, session);
        second = later(second, random);
        if (random.nextDouble() < RATING_GIVEN_PURCHASE) {
          String rating = RATING_DRAW[random.nextInt(RATING_DRAW.length)];
          writeItemEvent(userId, item, SyntheticShop.RATING, day, second, rating, session);
          second = later(second, random);
        }
        if (random.nextDouble() < REVIEW_GIVEN_PURCHASE) {
          writeItemEvent(userId, item, SyntheticShop.REVIEW, day, second, null, session);
        }
      }
    }
  }

  private void writeItemEvent(String userId, int item, String eventType, int day, int second, String value,
      long session) throws IOException {
    itemEvents++;
    events.write(userId, catalogue.itemId(item), eventType, day, second, value, session);
  }

  private int categoryOutside(int[] interests, SplittableRandom random) {
    int category;
    do {
      category = random.nextInt(catalogue.categoryCount());
    } while (contains(interests, interests.length, category));
    return category;
  }

  private static int later(int second, SplittableRandom random) {
    int gap = MIN_SECONDS_BETWEEN_EVENTS + random.nextInt(MAX_SECONDS_BETWEEN_EVENTS - MIN_SECONDS_BETWEEN_EVENTS + 1);
    return Math.min(LAST_SECOND_OF_DAY, second + gap);
  }

  /** A second of the day, its hour drawn by {@link #SESSION_START_HOUR_WEIGHTS}. */
  private static int sessionStartSecond(SplittableRandom random) {
    double target = random.nextDouble() * CUMULATIVE_START_HOUR_WEIGHTS[CUMULATIVE_START_HOUR_WEIGHTS.length - 1];
    int hour = 0;
    while (CUMULATIVE_START_HOUR_WEIGHTS[hour] <= target) {
      hour++;
    }
    return hour * 3600 + random.nextInt(3600);
  }

  /** Poisson draw: Knuth's product method for small means, a rounded normal for large ones. */
  private static int poisson(double mean, SplittableRandom random) {
    if (mean > 30) {
      return (int) Math.max(0, Math.round(mean + Math.sqrt(mean) * random.nextGaussian()));
    }
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int count = 0;
    while (product > limit) {
      product *= random.nextDouble();
      count++;
    }
    return count;
  }

  /** Number of failures before the first success, with the given mean. */
  private static int geometric(double mean, SplittableRandom random) {
    double failure = mean / (1 + mean);
    return (int) (Math.log(1 - random.nextDouble()) / Math.log(failure));
  }

  private static boolean contains(int[] values, int length, int value) {
    for (int i = 0; i < length; i++) {
      if (values[i] == value) {
        return true;
      }
    }
    return false;
  }

  private static double[] cumulative(double[] weights) {
    double[] sums = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      sums[i] = sum;
    }
    return sums;
  }
}

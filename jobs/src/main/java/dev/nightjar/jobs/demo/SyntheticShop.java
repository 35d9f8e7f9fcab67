package dev.nightjar.jobs.demo;

import dev.nightjar.transforms.EventTypes;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * A seeded synthetic e-commerce shop with a planted structure, written as CSV files in the generic
 * import format: the demo's data, and test data whose truth is known.
 *
 * <p>Planted truth: every item belongs to one real-world category (Kitchen, Garden, Toys, ...) and its
 * title and description use words of that category only; every shopper has 1 to 3 latent interest
 * categories, and at least 88% of each shopper's item events fall in them (about 90% overall); bots
 * view 1000 to 1200 random items a day; the newest {@code coldStartItems} items have no events; a
 * share of the rows is malformed, one defect per row, counted by {@link MalformedKind}. The same
 * {@link Params} always give byte-identical files. Events are streamed to disk: memory grows with
 * the numbers of users and items, not with the number of events.
 *
 * <pre>{@code
 * SyntheticShop.Summary summary =
 *     new SyntheticShop(SyntheticShop.Params.defaults()).generate(Path.of("demo-data"));
 * // items.csv, events.csv, truth_users.csv and truth_bots.csv are now in demo-data/
 * Map<String, Set<String>> interests = SyntheticShop.readUserTruth(Path.of("demo-data"));
 *
 * // a benchmark's own size: 100k users, 20k items, about 5M events
 * SyntheticShop.Params bench = new SyntheticShop.Params(100_000, 20_000, 30, LocalDate.of(2026, 10, 31),
 *     7L, 12, 0.01, 10, 100).withTargetEvents(5_000_000);
 * }</pre>
 */
public final class SyntheticShop {

  public static final String ITEMS_FILE = "items.csv";
  public static final String EVENTS_FILE = "events.csv";
  public static final String TRUTH_USERS_FILE = "truth_users.csv";
  public static final String TRUTH_BOTS_FILE = "truth_bots.csv";

  public static final List<String> ITEM_COLUMNS = ShopCatalogue.ITEM_COLUMNS;
  public static final List<String> EVENT_COLUMNS = EventsCsvWriter.EVENT_COLUMNS;
  public static final List<String> TRUTH_USER_COLUMNS = List.of("user_id", "categories");
  public static final List<String> TRUTH_BOT_COLUMNS = List.of("user_id");
  /** Separates the categories of one shopper in {@code truth_users.csv}. */
  public static final String CATEGORY_SEPARATOR = "|";

  public static final String VIEW = EventTypes.VIEW;
  public static final String CART = EventTypes.CART;
  public static final String PURCHASE = EventTypes.PURCHASE;
  public static final String FAVORITE = EventTypes.FAVORITE;
  public static final String RATING = EventTypes.RATING;
  public static final String SEARCH = EventTypes.SEARCH;
  public static final String REVIEW = EventTypes.REVIEW;
  public static final List<String> EVENT_TYPES = EventTypes.ALL;

  /** The real-world categories a shop can have, in the order a shop of {@code n} categories takes them. */
  public static final List<String> CATEGORY_NAMES =
      CategoryVocabulary.ALL.stream().map(CategoryVocabulary::name).toList();

  /** Ids have at least this many digits after their letter ({@code U000123}, {@code I000123}). */
  static final int MIN_ID_DIGITS = 6;

  /** The defects a malformed row of {@code events.csv} can have; each malformed row has exactly one. */
  public enum MalformedKind {
    /** Empty {@code user_id}. */
    MISSING_USER_ID("missing_user_id"),
    /** Empty {@code item_id} on an event type other than search. */
    MISSING_ITEM_ID("missing_item_id"),
    /** An {@code event_type} that is none of {@link #EVENT_TYPES}, such as {@code clik}. */
    UNKNOWN_EVENT_TYPE("unknown_event_type"),
    /** A {@code ts} that is neither ISO-8601 nor epoch seconds, such as {@code yesterday}. */
    BAD_TIMESTAMP("bad_timestamp"),
    /** A purchase or rating whose {@code value} is not a number. */
    BAD_VALUE("bad_value"),
    /** An exact copy of the row before it, {@code event_id} included. */
    DUPLICATE("duplicate"),
    /** An {@code item_id} that is in no row of {@code items.csv}. */
    UNKNOWN_ITEM_ID("unknown_item_id"),
    /** A {@code ts} in 1999, long before the window. */
    TOO_OLD("too_old");

    private final String key;

    MalformedKind(String key) {
      this.key = key;
    }

    /** The name used in {@link Summary#malformedByKind()}. */
    public String key() {
      return key;
    }
  }

  /**
   * What to generate.
   *
   * @param users               shoppers, ids {@code U000001} upwards
   * @param items               catalogue items, ids {@code I000001} upwards, the newest last
   * @param days                length of the event window in days
   * @param lastDay             last day of the window (inclusive); cold-start items are created on it
   * @param seed                the same seed and parameters give byte-identical files
   * @param categories          how many of {@link #CATEGORY_NAMES} the shop sells
   * @param malformedShare      chance that a valid row is followed by a malformed one
   * @param bots                bot users, ids following the shoppers' ids
   * @param coldStartItems      newest items, created on {@code lastDay}, that get no events
   * @param eventsPerUserPerDay mean valid events per shopper and day (bots not counted)
   */
  public record Params(int users, int items, int days, LocalDate lastDay, long seed, int categories,
      double malformedShare, int bots, int coldStartItems, double eventsPerUserPerDay) {

    public static final int DEFAULT_USERS = 5_000;
    public static final int DEFAULT_ITEMS = 2_000;
    public static final int DEFAULT_DAYS = 30;
    public static final LocalDate DEFAULT_LAST_DAY = LocalDate.of(2026, 10, 31);
    public static final long DEFAULT_SEED = 42L;
    public static final int DEFAULT_CATEGORIES = 12;
    public static final double DEFAULT_MALFORMED_SHARE = 0.01;
    public static final int DEFAULT_BOTS = 5;
    public static final int DEFAULT_COLD_START_ITEMS = 20;
    public static final double DEFAULT_EVENTS_PER_USER_PER_DAY = 2.0;

    public static final int MAX_USERS = 100_000_000;
    public static final int MAX_ITEMS = 100_000_000;
    public static final int MAX_DAYS = 3_650;
    public static final int MAX_BOTS = 10_000;
    public static final double MAX_MALFORMED_SHARE = 0.5;
    public static final double MAX_EVENTS_PER_USER_PER_DAY = 1_000;
    /** Events must lie after the year of the too-old rows and have four-digit years. */
    public static final LocalDate EARLIEST_FIRST_DAY = LocalDate.of(EventsCsvWriter.TOO_OLD_YEAR + 1, 1, 1);
    public static final LocalDate LATEST_LAST_DAY = LocalDate.of(9999, 12, 31);

    public static final String SMALL = "small";
    public static final String MEDIUM = "medium";
    public static final String LARGE = "large";
    public static final long LARGE_EVENTS = 10_000_000L;

    public Params {
      Objects.requireNonNull(lastDay, "lastDay must be a date, was null");
      requireBetween("users", users, 1, MAX_USERS);
      requireBetween("categories", categories, 1, CategoryVocabulary.ALL.size());
      requireBetween("items", items, categories, MAX_ITEMS,
          "at least one per category: categories is " + categories);
      requireBetween("days", days, 1, MAX_DAYS);
      requireBetween("bots", bots, 0, MAX_BOTS);
      requireBetween("coldStartItems", coldStartItems, 0, items - categories,
          "each category keeps an item with events: items - categories is " + (items - categories));
      if (!(malformedShare >= 0 && malformedShare < MAX_MALFORMED_SHARE)) {
        throw new IllegalArgumentException(
            "malformedShare must be in [0, " + MAX_MALFORMED_SHARE + "), was " + malformedShare);
      }
      if (!(eventsPerUserPerDay > 0 && eventsPerUserPerDay <= MAX_EVENTS_PER_USER_PER_DAY)) {
        throw new IllegalArgumentException("eventsPerUserPerDay must be in (0, " + MAX_EVENTS_PER_USER_PER_DAY
            + "], was " + eventsPerUserPerDay);
      }
      LocalDate firstDay = lastDay.minusDays(days - 1L);
      if (firstDay.isBefore(EARLIEST_FIRST_DAY) || lastDay.isAfter(LATEST_LAST_DAY)) {
        throw new IllegalArgumentException("lastDay must be in [" + EARLIEST_FIRST_DAY.plusDays(days - 1L) + ", "
            + LATEST_LAST_DAY + "] so that the " + days + "-day window lies in " + EARLIEST_FIRST_DAY + " .. "
            + LATEST_LAST_DAY + " (too_old rows are dated " + EventsCsvWriter.TOO_OLD_YEAR + "), was " + lastDay);
      }
    }

    /** The given sizes with {@value #DEFAULT_EVENTS_PER_USER_PER_DAY} events per shopper and day. */
    public Params(int users, int items, int days, LocalDate lastDay, long seed, int categories,
        double malformedShare, int bots, int coldStartItems) {
      this(users, items, days, lastDay, seed, categories, malformedShare, bots, coldStartItems,
          DEFAULT_EVENTS_PER_USER_PER_DAY);
    }

    /** 5000 shoppers, 2000 items, 30 days to 2026-10-31, seed 42, 12 categories, 1% malformed, 5 bots, 20 cold-start items. */
    public static Params defaults() {
      return new Params(DEFAULT_USERS, DEFAULT_ITEMS, DEFAULT_DAYS, DEFAULT_LAST_DAY, DEFAULT_SEED,
          DEFAULT_CATEGORIES, DEFAULT_MALFORMED_SHARE, DEFAULT_BOTS, DEFAULT_COLD_START_ITEMS);
    }

    /**
     * A named size: {@code small} is {@link #defaults()} (about 500k events); {@code medium} has 50k
     * shoppers, 20k items, 10 bots, 200 cold-start items (about 3.4M events); {@code large} has 200k
     * shoppers, 50k items, 20 bots, 500 cold-start items and about {@value #LARGE_EVENTS} events.
     */
    public static Params scaled(String scale) {
      String name = scale == null ? "" : scale.trim().toLowerCase(Locale.ROOT);
      Params small = defaults();
      return switch (name) {
        case SMALL -> small;
        case MEDIUM -> new Params(50_000, 20_000, small.days(), small.lastDay(), small.seed(), small.categories(),
            small.malformedShare(), 10, 200);
        case LARGE -> new Params(200_000, 50_000, small.days(), small.lastDay(), small.seed(), small.categories(),
            small.malformedShare(), 20, 500).withTargetEvents(LARGE_EVENTS);
        default -> throw new IllegalArgumentException(
            "scale must be one of " + SMALL + ", " + MEDIUM + ", " + LARGE + ", was '" + scale + "'");
      };
    }

    /** These parameters with another mean number of valid events per shopper and day. */
    public Params withEventsPerUserPerDay(double perUserPerDay) {
      return new Params(users, items, days, lastDay, seed, categories, malformedShare, bots, coldStartItems,
          perUserPerDay);
    }

    /**
     * These parameters with the shoppers' activity set so that {@code events.csv} gets about
     * {@code events} rows, bots' and malformed rows included (within a few percent; the
     * {@link Summary} has the exact count).
     */
    public Params withTargetEvents(long events) {
      double botEvents = (double) bots * days * ShopperSimulator.BOT_MEAN_VIEWS_PER_DAY;
      double shopperEvents = events / (1 + malformedShare) - botEvents;
      if (shopperEvents <= 0) {
        throw new IllegalArgumentException("events must be above the bots' own " + Math.round(botEvents
            * (1 + malformedShare)) + " rows (" + bots + " bots x " + days + " days), was " + events);
      }
      return withEventsPerUserPerDay(shopperEvents / ((double) users * days));
    }

    /** The expected number of rows of {@code events.csv}, bots' and malformed rows included. */
    public long expectedEvents() {
      double validEvents = (double) users * days * eventsPerUserPerDay
          + (double) bots * days * ShopperSimulator.BOT_MEAN_VIEWS_PER_DAY;
      return Math.round(validEvents * (1 + malformedShare));
    }

    private static void requireBetween(String name, int value, int min, int max) {
      requireBetween(name, value, min, max, null);
    }

    private static void requireBetween(String name, int value, int min, int max, String why) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be between " + min + " and " + max
            + (why == null ? "" : " (" + why + ")") + ", was " + value);
      }
    }
  }

  /**
   * What {@link #generate(Path)} wrote.
   *
   * @param users           shoppers (bots not counted), all listed in {@code truth_users.csv}
   * @param bots            bot users, listed in {@code truth_bots.csv}
   * @param items           rows of {@code items.csv}
   * @param events          rows of {@code events.csv}, header excluded, malformed rows included
   * @param botEvents       valid rows of {@code events.csv} written by bots
   * @param malformedByKind malformed rows by {@link MalformedKind#key()}, every kind listed
   */
  public record Summary(int users, int bots, int items, long events, long botEvents,
      Map<String, Long> malformedByKind, Path itemsCsv, Path eventsCsv, Path truthUsersCsv, Path truthBotsCsv) {

    public Summary {
      malformedByKind = Collections.unmodifiableMap(new LinkedHashMap<>(malformedByKind));
    }

    /** All malformed rows. */
    public long malformedEvents() {
      return malformedByKind.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Params params;

  public SyntheticShop(Params params) {
    this.params = Objects.requireNonNull(params, "params");
  }

  /**
   * Writes {@value #ITEMS_FILE}, {@value #EVENTS_FILE}, {@value #TRUTH_USERS_FILE} and
   * {@value #TRUTH_BOTS_FILE} into {@code dir} (created if missing, files replaced).
   */
  public Summary generate(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path itemsCsv = dir.resolve(ITEMS_FILE);
    Path eventsCsv = dir.resolve(EVENTS_FILE);
    Path truthUsersCsv = dir.resolve(TRUTH_USERS_FILE);
    Path truthBotsCsv = dir.resolve(TRUTH_BOTS_FILE);
    SplittableRandom root = new SplittableRandom(params.seed());
    ShopCatalogue catalogue = ShopCatalogue.writeItems(itemsCsv, params, root.split());
    long botEvents = 0;
    Map<String, Long> malformedByKind;
    long events;
    try (EventsCsvWriter eventsOut = new EventsCsvWriter(eventsCsv, params, catalogue, root.split());
        Csv.RowWriter truthUsersOut = new Csv.RowWriter(truthUsersCsv, TRUTH_USER_COLUMNS);
        Csv.RowWriter truthBotsOut = new Csv.RowWriter(truthBotsCsv, TRUTH_BOT_COLUMNS)) {
      ShopperSimulator simulator = new ShopperSimulator(params, catalogue, eventsOut);
      int lastUserNumber = params.users() + params.bots();
      StringBuilder interestNames = new StringBuilder();
      for (int user = 1; user <= params.users(); user++) {
        SplittableRandom random = root.split();
        String userId = formatId('U', user, lastUserNumber);
        int[] interests = simulator.pickInterests(random);
        interestNames.setLength(0);
        for (int category : interests) {
          if (interestNames.length() > 0) {
            interestNames.append(CATEGORY_SEPARATOR);
          }
          interestNames.append(CATEGORY_NAMES.get(category));
        }
        truthUsersOut.field(userId).field(interestNames);
        truthUsersOut.endRow();
        simulator.simulateShopper(userId, interests, random);
      }
      for (int bot = 1; bot <= params.bots(); bot++) {
        String userId = formatId('U', params.users() + bot, lastUserNumber);
        truthBotsOut.field(userId);
        truthBotsOut.endRow();
        botEvents += simulator.simulateBot(userId, root.split());
      }
      events = eventsOut.rows();
      malformedByKind = eventsOut.malformedRowsByKind();
    }
    return new Summary(params.users(), params.bots(), params.items(), events, botEvents, malformedByKind,
        itemsCsv, eventsCsv, truthUsersCsv, truthBotsCsv);
  }

  /** Reads {@value #TRUTH_USERS_FILE} of {@code dir}: each shopper's interest categories, in file order. */
  public static Map<String, Set<String>> readUserTruth(Path dir) throws IOException {
    Map<String, Set<String>> interests = new LinkedHashMap<>();
    readRows(dir.resolve(TRUTH_USERS_FILE), TRUTH_USER_COLUMNS, row -> interests.put(row.get(0),
        Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(row.get(1).split("\\|"))))));
    return interests;
  }

  /** Reads {@value #TRUTH_BOTS_FILE} of {@code dir}: the bots' user ids. */
  public static Set<String> readBots(Path dir) throws IOException {
    Set<String> bots = new LinkedHashSet<>();
    readRows(dir.resolve(TRUTH_BOTS_FILE), TRUTH_BOT_COLUMNS, row -> bots.add(row.get(0)));
    return bots;
  }

  /** Reads {@value #ITEMS_FILE} of {@code dir}: each item's category, in file order. */
  public static Map<String, String> readItemCategories(Path dir) throws IOException {
    int categoryColumn = ITEM_COLUMNS.indexOf("category");
    Map<String, String> categories = new LinkedHashMap<>();
    readRows(dir.resolve(ITEMS_FILE), ITEM_COLUMNS, row -> categories.put(row.get(0), row.get(categoryColumn)));
    return categories;
  }

  /** {@code letter} and {@code number} zero-padded to the digits of {@code largest}, at least {@value #MIN_ID_DIGITS}. */
  static String formatId(char letter, long number, long largest) {
    int digits = Math.max(MIN_ID_DIGITS, Long.toString(largest).length());
    StringBuilder id = new StringBuilder(digits + 1).append(letter);
    appendZeroPadded(id, number, digits);
    return id.toString();
  }

  /** Appends a non-negative {@code value} with leading zeros up to {@code width} digits. */
  static void appendZeroPadded(StringBuilder text, long value, int width) {
    int digits = 1;
    for (long rest = value / 10; rest > 0; rest /= 10) {
      digits++;
    }
    for (int i = digits; i < width; i++) {
      text.append('0');
    }
    text.append(value);
  }

  private static void readRows(Path file, List<String> expectedHeader, Consumer<List<String>> rowConsumer)
      throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = in.readLine();
      if (header == null || !Csv.parseLine(header).equals(expectedHeader)) {
        throw new IOException(file + ": header must be " + String.join(",", expectedHeader) + ", was " + header);
      }
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        rowConsumer.accept(Csv.parseLine(line));
      }
    }
  }
}

package dev.nightjar.jobs.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nightjar.jobs.demo.SyntheticShop.MalformedKind;
import dev.nightjar.jobs.demo.SyntheticShop.Params;
import dev.nightjar.jobs.demo.SyntheticShop.Summary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class SyntheticShopTest {

  private static final LocalDate LAST_DAY = LocalDate.of(2026, 10, 31);
  private static final int USERS = 300;
  private static final int ITEMS = 120;
  private static final int DAYS = 7;
  private static final int BOTS = 2;
  private static final int COLD_START_ITEMS = 5;
  private static final Params SMALL =
      new Params(USERS, ITEMS, DAYS, LAST_DAY, 7L, 12, 0.02, BOTS, COLD_START_ITEMS);
  private static final Instant WINDOW_START =
      LAST_DAY.minusDays(DAYS - 1L).atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final Instant WINDOW_END = LAST_DAY.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
  private static final Set<String> ITEM_EVENT_TYPES = Set.of(
      SyntheticShop.VIEW, SyntheticShop.CART, SyntheticShop.PURCHASE, SyntheticShop.FAVORITE,
      SyntheticShop.RATING, SyntheticShop.REVIEW);

  private static final int EVENT_ID = 0;
  private static final int USER_ID = 1;
  private static final int ITEM_ID = 2;
  private static final int EVENT_TYPE = 3;
  private static final int TS = 4;
  private static final int VALUE = 5;
  private static final int SESSION_ID = 6;

  @TempDir
  static Path dir;

  private static Summary summary;
  private static List<List<String>> itemRows;
  private static List<String> eventLines;
  private static List<List<String>> eventRows;
  /** Per event row, its defect's {@link MalformedKind#key()} as found by {@link #defectOf}, or null. */
  private static List<String> defects;
  private static Set<String> bots;
  private static Map<String, Set<String>> userInterests;
  private static Map<String, String> itemCategories;

  @BeforeAll
  static void generate() throws IOException {
    summary = new SyntheticShop(SMALL).generate(dir);
    itemRows = parseBody(dir.resolve(SyntheticShop.ITEMS_FILE));
    eventLines = Files.readAllLines(dir.resolve(SyntheticShop.EVENTS_FILE), StandardCharsets.UTF_8);
    eventRows = parseBody(dir.resolve(SyntheticShop.EVENTS_FILE));
    bots = SyntheticShop.readBots(dir);
    userInterests = SyntheticShop.readUserTruth(dir);
    itemCategories = SyntheticShop.readItemCategories(dir);
    defects = new ArrayList<>();
    Map<String, String> firstLineOfEventId = new HashMap<>();
    for (int row = 0; row < eventRows.size(); row++) {
      String line = eventLines.get(row + 1);
      String firstLine = firstLineOfEventId.putIfAbsent(eventRows.get(row).get(EVENT_ID), line);
      if (firstLine != null) {
        assertEquals(firstLine, line, "a repeated event_id repeats its whole line");
        defects.add(MalformedKind.DUPLICATE.key());
      } else {
        defects.add(defectOf(eventRows.get(row)));
      }
    }
  }

  @Test
  void sameParamsGiveByteIdenticalFilesAndAnotherSeedDifferentEvents(@TempDir Path again, @TempDir Path otherSeed)
      throws IOException {
    new SyntheticShop(SMALL).generate(again);
    for (String file : List.of(SyntheticShop.ITEMS_FILE, SyntheticShop.EVENTS_FILE,
        SyntheticShop.TRUTH_USERS_FILE, SyntheticShop.TRUTH_BOTS_FILE)) {
      assertArrayEquals(sha256(dir.resolve(file)), sha256(again.resolve(file)), file);
    }
    Params reseeded = new Params(USERS, ITEMS, DAYS, LAST_DAY, 8L, 12, 0.02, BOTS, COLD_START_ITEMS);
    new SyntheticShop(reseeded).generate(otherSeed);
    assertFalse(Arrays.equals(sha256(dir.resolve(SyntheticShop.EVENTS_FILE)),
        sha256(otherSeed.resolve(SyntheticShop.EVENTS_FILE))));
  }

  @Test
  void summaryCountsMatchTheFiles() {
    assertEquals(eventRows.size(), summary.events());
    assertEquals(ITEMS, itemRows.size());
    assertEquals(ITEMS, summary.items());
    assertEquals(USERS, summary.users());
    assertEquals(USERS, userInterests.size());
    assertEquals(BOTS, bots.size());
    long validBotRows = 0;
    for (int row = 0; row < eventRows.size(); row++) {
      if (defects.get(row) == null && bots.contains(eventRows.get(row).get(USER_ID))) {
        validBotRows++;
      }
    }
    assertEquals(validBotRows, summary.botEvents());
    double expected = SMALL.expectedEvents();
    assertTrue(Math.abs(summary.events() - expected) < 0.1 * expected,
        "events " + summary.events() + " within 10% of expected " + expected);
  }

  @Test
  void malformedCountsInSummaryMatchTheRowsFoundInTheFile() {
    Map<String, Long> found = new LinkedHashMap<>();
    for (MalformedKind kind : MalformedKind.values()) {
      found.put(kind.key(), 0L);
    }
    for (String defect : defects) {
      if (defect != null) {
        found.merge(defect, 1L, Long::sum);
      }
    }
    assertEquals(found, summary.malformedByKind());
    for (MalformedKind kind : MalformedKind.values()) {
      assertTrue(found.get(kind.key()) > 0, "some rows are " + kind.key());
    }
    double share = (double) summary.malformedEvents() / summary.events();
    assertTrue(share > 0.01 && share < 0.03, "malformed share near 2%: " + share);
  }

  @Test
  void validEventsLieInTheWindowWithValuesFittingTheirType() {
    int epochSecondRows = 0;
    for (int row = 0; row < eventRows.size(); row++) {
      if (defects.get(row) != null) {
        continue;
      }
      List<String> event = eventRows.get(row);
      Instant ts = parseTimestamp(event.get(TS));
      assertTrue(!ts.isBefore(WINDOW_START) && ts.isBefore(WINDOW_END), "in window: " + event);
      if (event.get(TS).chars().allMatch(Character::isDigit)) {
        epochSecondRows++;
      }
      String value = event.get(VALUE);
      switch (event.get(EVENT_TYPE)) {
        case SyntheticShop.SEARCH -> assertTrue(event.get(ITEM_ID).isEmpty() && !value.isEmpty(), event::toString);
        case SyntheticShop.PURCHASE -> assertTrue(Integer.parseInt(value) >= 1, event::toString);
        case SyntheticShop.RATING -> assertTrue(Integer.parseInt(value) >= 1 && Integer.parseInt(value) <= 5);
        default -> assertTrue(value.isEmpty(), event::toString);
      }
      assertTrue(event.get(SESSION_ID).startsWith("S"), event::toString);
    }
    assertTrue(epochSecondRows > 0, "some timestamps are epoch seconds");
  }

  @Test
  void everyRowOfEveryFileHasTheHeadersNumberOfFields() throws IOException {
    for (String file : List.of(SyntheticShop.ITEMS_FILE, SyntheticShop.EVENTS_FILE,
        SyntheticShop.TRUTH_USERS_FILE, SyntheticShop.TRUTH_BOTS_FILE)) {
      List<String> lines = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
      int columns = Csv.parseLine(lines.get(0)).size();
      for (String line : lines) {
        assertEquals(columns, Csv.parseLine(line).size(), file + ": " + line);
      }
    }
    assertTrue(itemRows.stream().anyMatch(item -> item.get(1).contains(",")), "some titles hold a comma");
    assertTrue(eventRows.stream().anyMatch(event -> event.get(VALUE).contains(",")), "some queries hold a comma");
  }

  @Test
  void csvLinesSplitAtCommasOutsideQuotes() {
    assertEquals(List.of("a", "b, c", "d \"e\"", ""), Csv.parseLine("a,\"b, c\",\"d \"\"e\"\"\","));
  }

  @Test
  void shoppersItemEventsFallMostlyInTheirLatentCategories() {
    Map<String, long[]> inInterestAndAll = new HashMap<>();
    for (int row = 0; row < eventRows.size(); row++) {
      List<String> event = eventRows.get(row);
      if (defects.get(row) != null || bots.contains(event.get(USER_ID))
          || !ITEM_EVENT_TYPES.contains(event.get(EVENT_TYPE))) {
        continue;
      }
      long[] counts = inInterestAndAll.computeIfAbsent(event.get(USER_ID), user -> new long[2]);
      Set<String> interests = userInterests.get(event.get(USER_ID));
      assertNotNull(interests, "every shopper is in the truth: " + event);
      if (interests.contains(itemCategories.get(event.get(ITEM_ID)))) {
        counts[0]++;
      }
      counts[1]++;
    }
    long inInterest = 0;
    long all = 0;
    for (Map.Entry<String, long[]> user : inInterestAndAll.entrySet()) {
      long[] counts = user.getValue();
      assertTrue(counts[0] >= 0.8 * counts[1], user.getKey() + ": " + counts[0] + " of " + counts[1]);
      inInterest += counts[0];
      all += counts[1];
    }
    double share = (double) inInterest / all;
    assertTrue(share > 0.85 && share < 0.97, "share of item events in the latent categories: " + share);
    assertEquals(USERS, inInterestAndAll.size(), "every shopper has item events");
  }

  @Test
  void shoppersHaveOneToThreeInterestsAmongTheShopsCategories() {
    Set<String> shopCategories = new HashSet<>(SyntheticShop.CATEGORY_NAMES.subList(0, SMALL.categories()));
    assertEquals(shopCategories, new HashSet<>(itemCategories.values()));
    for (Map.Entry<String, Set<String>> user : userInterests.entrySet()) {
      assertTrue(user.getValue().size() >= 1 && user.getValue().size() <= 3, user::toString);
      assertTrue(shopCategories.containsAll(user.getValue()), user::toString);
    }
  }

  @Test
  void itemTitlesNameAProductOfTheirCategory() {
    Map<String, CategoryVocabulary> vocabularies = new HashMap<>();
    CategoryVocabulary.ALL.forEach(vocabulary -> vocabularies.put(vocabulary.name(), vocabulary));
    for (List<String> item : itemRows) {
      CategoryVocabulary vocabulary = vocabularies.get(item.get(3));
      assertTrue(vocabulary.nouns().stream().anyMatch(noun -> item.get(1).contains(noun)), item::toString);
      assertTrue(Double.parseDouble(item.get(5)) > 0, item::toString);
      assertTrue(Set.of("true", "false").contains(item.get(6)), item::toString);
    }
  }

  @Test
  void coldStartItemsHaveNoEventsAndAreCreatedOnTheLastDay() {
    Set<String> coldStart = new HashSet<>();
    for (List<String> item : itemRows.subList(ITEMS - COLD_START_ITEMS, ITEMS)) {
      assertEquals(LAST_DAY.toString(), item.get(7), item::toString);
      coldStart.add(item.get(0));
    }
    for (List<String> item : itemRows.subList(0, ITEMS - COLD_START_ITEMS)) {
      assertTrue(LocalDate.parse(item.get(7)).isBefore(LAST_DAY.minusDays(DAYS - 1L)), item::toString);
    }
    for (List<String> event : eventRows) {
      assertFalse(coldStart.contains(event.get(ITEM_ID)), event::toString);
    }
  }

  @Test
  void botsHaveTheMostEventsAndViewThousandsOfItemsADay() {
    Map<String, Long> rowsByUser = new HashMap<>();
    Map<String, Long> botViewsByDay = new HashMap<>();
    for (int row = 0; row < eventRows.size(); row++) {
      List<String> event = eventRows.get(row);
      rowsByUser.merge(event.get(USER_ID), 1L, Long::sum);
      if (defects.get(row) == null && bots.contains(event.get(USER_ID))
          && event.get(EVENT_TYPE).equals(SyntheticShop.VIEW)) {
        LocalDate day = LocalDate.ofInstant(parseTimestamp(event.get(TS)), ZoneOffset.UTC);
        botViewsByDay.merge(event.get(USER_ID) + " on " + day, 1L, Long::sum);
      }
    }
    List<String> busiest = rowsByUser.entrySet().stream()
        .filter(user -> !user.getKey().isEmpty())
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
        .limit(BOTS).map(Map.Entry::getKey).toList();
    assertEquals(bots, new HashSet<>(busiest));
    assertEquals(BOTS * DAYS, botViewsByDay.size());
    botViewsByDay.forEach((botDay, views) -> assertTrue(views >= 1000, botDay + ": " + views + " views"));
  }

  @Test
  void shoppersDifferInActivity() {
    long[] events = eventRows.stream()
        .map(event -> event.get(USER_ID))
        .filter(userInterests::containsKey)
        .collect(Collectors.groupingBy(user -> user, Collectors.counting()))
        .values().stream().mapToLong(Long::longValue).sorted().toArray();
    long median = events[events.length / 2];
    long heaviest = events[events.length - 1];
    assertTrue(heaviest >= 5 * median, "heaviest " + heaviest + " vs median " + median);
  }

  @Test
  void sessionsNarrowFromViewsToCartsToPurchases() {
    Map<String, Long> validByType = new HashMap<>();
    Set<String> viewedInSession = new HashSet<>();
    Set<String> cartedInSession = new HashSet<>();
    for (int row = 0; row < eventRows.size(); row++) {
      List<String> event = eventRows.get(row);
      if (defects.get(row) != null) {
        continue;
      }
      String type = event.get(EVENT_TYPE);
      validByType.merge(type, 1L, Long::sum);
      String sessionItem = event.get(SESSION_ID) + "/" + event.get(ITEM_ID);
      switch (type) {
        case SyntheticShop.VIEW -> viewedInSession.add(sessionItem);
        case SyntheticShop.CART -> {
          assertTrue(viewedInSession.contains(sessionItem), "carted after a view: " + event);
          cartedInSession.add(sessionItem);
        }
        case SyntheticShop.PURCHASE ->
            assertTrue(cartedInSession.contains(sessionItem), "bought after add-to-cart: " + event);
        default -> { }
      }
    }
    long shopperViews = validByType.get(SyntheticShop.VIEW) - summary.botEvents();
    long carts = validByType.get(SyntheticShop.CART);
    long purchases = validByType.get(SyntheticShop.PURCHASE);
    assertTrue(shopperViews > 3 * carts && carts > purchases && purchases > 0,
        "views " + shopperViews + " > carts " + carts + " > purchases " + purchases);
    for (String type : SyntheticShop.EVENT_TYPES) {
      assertTrue(validByType.getOrDefault(type, 0L) > 0, "some valid " + type + " events");
    }
  }

  @Test
  void itemPopularityHasALongTail() {
    Map<String, Long> shopperViews = new HashMap<>();
    for (int row = 0; row < eventRows.size(); row++) {
      List<String> event = eventRows.get(row);
      if (defects.get(row) == null && event.get(EVENT_TYPE).equals(SyntheticShop.VIEW)
          && !bots.contains(event.get(USER_ID))) {
        shopperViews.merge(event.get(ITEM_ID), 1L, Long::sum);
      }
    }
    long[] counts = shopperViews.values().stream().mapToLong(Long::longValue).sorted().toArray();
    long all = Arrays.stream(counts).sum();
    long topTenth = Arrays.stream(counts, counts.length - counts.length / 10, counts.length).sum();
    assertTrue(topTenth > 0.25 * all, "the top tenth of items gets " + topTenth + " of " + all + " views");
  }

  @Test
  void scalesAndEventTargets() {
    assertEquals(Params.defaults(), Params.scaled("small"));
    assertEquals(Params.defaults(), Params.scaled(" Small "));
    Params large = Params.scaled("large");
    assertEquals(200_000, large.users());
    assertEquals(50_000, large.items());
    assertEquals(Params.LARGE_EVENTS, large.expectedEvents(), 1.0);
    Params medium = Params.scaled("medium");
    assertTrue(medium.users() == 10 * Params.DEFAULT_USERS && medium.items() == 10 * Params.DEFAULT_ITEMS);
    assertEquals(123_456, SMALL.withTargetEvents(123_456).expectedEvents(), 1.0);
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> Params.scaled("huge"));
    assertEquals("scale must be one of small, medium, large, was 'huge'", unknown.getMessage());
  }

  @Test
  void invalidParamsAreRejectedWithMessagesNamingTheParameterAndTheRange() {
    Params d = Params.defaults();
    assertRejected("users must be between 1 and 100000000, was 0",
        () -> new Params(0, 10, 1, LAST_DAY, 1L, 2, 0.0, 0, 0));
    assertRejected("items must be between 12 and 100000000 (at least one per category: categories is 12), was 11",
        () -> new Params(10, 11, 1, LAST_DAY, 1L, 12, 0.0, 0, 0));
    assertRejected("categories must be between 1 and 16, was 17",
        () -> new Params(10, 100, 1, LAST_DAY, 1L, 17, 0.0, 0, 0));
    assertRejected("days must be between 1 and 3650, was 0",
        () -> new Params(10, 100, 0, LAST_DAY, 1L, 12, 0.0, 0, 0));
    assertRejected("bots must be between 0 and 10000, was -1",
        () -> new Params(10, 100, 1, LAST_DAY, 1L, 12, 0.0, -1, 0));
    assertRejected("coldStartItems must be between 0 and 88 (each category keeps an item with events: "
        + "items - categories is 88), was 89", () -> new Params(10, 100, 1, LAST_DAY, 1L, 12, 0.0, 0, 89));
    assertRejected("malformedShare must be in [0, 0.5), was 0.5",
        () -> new Params(10, 100, 1, LAST_DAY, 1L, 12, 0.5, 0, 0));
    assertRejected("malformedShare must be in [0, 0.5), was NaN",
        () -> new Params(10, 100, 1, LAST_DAY, 1L, 12, Double.NaN, 0, 0));
    assertRejected("eventsPerUserPerDay must be in (0, 1000.0], was 0.0", () -> d.withEventsPerUserPerDay(0));
    assertRejected("lastDay must be in [2000-01-30, 9999-12-31] so that the 30-day window lies in "
            + "2000-01-01 .. 9999-12-31 (too_old rows are dated 1999), was 2000-01-29",
        () -> new Params(10, 100, 30, LocalDate.of(2000, 1, 29), 1L, 12, 0.0, 0, 0));
    assertRejected("events must be above the bots' own 166650 rows (5 bots x 30 days), was 100000",
        () -> d.withTargetEvents(100_000));
    NullPointerException noDay = assertThrows(NullPointerException.class,
        () -> new Params(10, 100, 1, null, 1L, 12, 0.0, 0, 0));
    assertEquals("lastDay must be a date, was null", noDay.getMessage());
  }

  private static void assertRejected(String message, Executable construction) {
    IllegalArgumentException rejection = assertThrows(IllegalArgumentException.class, construction);
    assertEquals(message, rejection.getMessage());
  }

  /** The {@link MalformedKind#key()} of the one defect of a row that is not a duplicate, or null for a valid row. */
  private static String defectOf(List<String> event) {
    if (event.get(USER_ID).isEmpty()) {
      return MalformedKind.MISSING_USER_ID.key();
    }
    String type = event.get(EVENT_TYPE);
    if (!SyntheticShop.EVENT_TYPES.contains(type)) {
      return MalformedKind.UNKNOWN_EVENT_TYPE.key();
    }
    String item = event.get(ITEM_ID);
    if (item.isEmpty() && !type.equals(SyntheticShop.SEARCH)) {
      return MalformedKind.MISSING_ITEM_ID.key();
    }
    if (!item.isEmpty() && !itemCategories.containsKey(item)) {
      return MalformedKind.UNKNOWN_ITEM_ID.key();
    }
    Instant ts = parseTimestamp(event.get(TS));
    if (ts == null) {
      return MalformedKind.BAD_TIMESTAMP.key();
    }
    if (ts.isBefore(WINDOW_START)) {
      return MalformedKind.TOO_OLD.key();
    }
    boolean numericValue = !event.get(VALUE).isEmpty() && event.get(VALUE).chars().allMatch(Character::isDigit);
    if ((type.equals(SyntheticShop.PURCHASE) || type.equals(SyntheticShop.RATING)) && !numericValue) {
      return MalformedKind.BAD_VALUE.key();
    }
    return null;
  }

  /** ISO-8601 instant or epoch seconds; null when neither. */
  private static Instant parseTimestamp(String text) {
    if (!text.isEmpty() && text.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochSecond(Long.parseLong(text));
    }
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException notIso) {
      return null;
    }
  }

  private static List<List<String>> parseBody(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.subList(1, lines.size()).stream().map(Csv::parseLine).toList();
  }

  private static byte[] sha256(Path file) throws IOException {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (NoSuchAlgorithmException missing) {
      throw new IllegalStateException(missing);
    }
  }
}

package dev.nightjar.jobs.demo;

import dev.nightjar.jobs.demo.SyntheticShop.MalformedKind;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes {@code events.csv}: numbers the events, formats their timestamps, and after a share of the
 * events adds one malformed row derived from it, cycling through the {@link MalformedKind}s so that
 * every kind occurs once there are at least as many malformed rows as kinds.
 */
final class EventsCsvWriter implements Closeable {

  static final List<String> EVENT_COLUMNS =
      List.of("event_id", "user_id", "item_id", "event_type", "ts", "value", "session_id");

  /** Share of valid rows whose timestamp is written as epoch seconds instead of ISO-8601. */
  static final double EPOCH_SECONDS_SHARE = 0.005;
  /** Year of the {@link MalformedKind#TOO_OLD} rows, long before any event window. */
  static final int TOO_OLD_YEAR = 1999;
  static final int EVENT_ID_DIGITS = 10;
  static final int SESSION_ID_DIGITS = 9;

  private static final String[] UNKNOWN_EVENT_TYPES = {"clik", "veiw", "purchse", "add_to_crat"};
  private static final String[] BAD_TIMESTAMPS = {"yesterday", "last tuesday", "N/A"};
  private static final String[] BAD_QUANTITIES = {"two", "a few", "1 box"};
  private static final String[] BAD_RATINGS = {"five stars", "great", "N/A"};
  private static final MalformedKind[] KINDS = MalformedKind.values();

  private final Csv.RowWriter out;
  private final ShopCatalogue catalogue;
  private final double malformedShare;
  /** Draws the formatting noise and the malformed rows, apart from the shoppers' own randomness. */
  private final SplittableRandom noise;
  private final LocalDate firstDay;
  /** Per day of the window, {@code "2026-10-05T"}. */
  private final String[] isoDayPrefixes;
  private final long[] dayStartEpochSeconds;
  private final long[] malformedRowsByKind = new long[KINDS.length];
  private final StringBuilder eventId = new StringBuilder(16);
  private final StringBuilder sessionId = new StringBuilder(16);
  private final StringBuilder timestamp = new StringBuilder(32);
  private long lastEventNumber;
  private long malformedRows;

  EventsCsvWriter(Path eventsFile, SyntheticShop.Params params, ShopCatalogue catalogue, SplittableRandom noise)
      throws IOException {
    this.catalogue = catalogue;
    this.malformedShare = params.malformedShare();
    this.noise = noise;
    this.firstDay = params.lastDay().minusDays(params.days() - 1L);
    this.isoDayPrefixes = new String[params.days()];
    this.dayStartEpochSeconds = new long[params.days()];
    for (int day = 0; day < params.days(); day++) {
      LocalDate date = firstDay.plusDays(day);
      isoDayPrefixes[day] = date + "T";
      dayStartEpochSeconds[day] = date.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
    }
    this.out = new Csv.RowWriter(eventsFile, EVENT_COLUMNS);
  }

  /**
   * Writes one valid event, and with probability {@code malformedShare} one malformed row after it.
   *
   * @param itemId      {@code null} for a search
   * @param day         index of the day in the window, 0 for the first
   * @param secondOfDay UTC second of that day, 0 to 86399
   * @param value       quantity, rating or query; {@code null} for none
   */
  void write(String userId, String itemId, String eventType, int day, int secondOfDay, String value, long session)
      throws IOException {
    timestamp.setLength(0);
    if (noise.nextDouble() < EPOCH_SECONDS_SHARE) {
      timestamp.append(dayStartEpochSeconds[day] + secondOfDay);
    } else {
      timestamp.append(isoDayPrefixes[day]);
      appendTimeOfDay(timestamp, secondOfDay);
    }
    writeRow(userId, itemId, eventType, timestamp, value, session);
    if (noise.nextDouble() < malformedShare) {
      writeMalformed(userId, itemId, eventType, day, secondOfDay, value, session);
    }
  }

  /** Rows written, malformed ones included, header excluded. */
  long rows() {
    return out.rows();
  }

  /** Malformed rows written, by {@link MalformedKind#key()}, every kind listed. */
  Map<String, Long> malformedRowsByKind() {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (MalformedKind kind : KINDS) {
      counts.put(kind.key(), malformedRowsByKind[kind.ordinal()]);
    }
    return counts;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }

  /** Writes a copy of the event just written with exactly one defect; {@link #timestamp} still holds its time. */
  private void writeMalformed(String userId, String itemId, String eventType, int day, int secondOfDay,
      String value, long session) throws IOException {
    MalformedKind kind = KINDS[(int) (malformedRows++ % KINDS.length)];
    malformedRowsByKind[kind.ordinal()]++;
    boolean search = SyntheticShop.SEARCH.equals(eventType);
    // a row that needs an item but was a search becomes a view, so that its only defect is the intended one
    String itemEventType = search ? SyntheticShop.VIEW : eventType;
    String itemEventValue = search ? null : value;
    switch (kind) {
      case MISSING_USER_ID -> writeRow(null, itemId, eventType, timestamp, value, session);
      case MISSING_ITEM_ID -> writeRow(userId, null, itemEventType, timestamp, itemEventValue, session);
      case UNKNOWN_EVENT_TYPE -> writeRow(userId, itemId, pick(UNKNOWN_EVENT_TYPES), timestamp, value, session);
      case BAD_TIMESTAMP -> writeRow(userId, itemId, eventType, pick(BAD_TIMESTAMPS), value, session);
      case BAD_VALUE -> {
        boolean purchase = noise.nextBoolean();
        String item = search ? catalogue.itemId(catalogue.anyEventItem(noise)) : itemId;
        writeRow(userId, item, purchase ? SyntheticShop.PURCHASE : SyntheticShop.RATING, timestamp,
            pick(purchase ? BAD_QUANTITIES : BAD_RATINGS), session);
      }
      case DUPLICATE -> out.repeatLastRow();
      case UNKNOWN_ITEM_ID -> writeRow(userId, catalogue.unknownItemId(noise), itemEventType, timestamp,
          itemEventValue, session);
      case TOO_OLD -> {
        timestamp.setLength(0);
        timestamp.append(firstDay.plusDays(day).withYear(TOO_OLD_YEAR)).append('T');
        appendTimeOfDay(timestamp, secondOfDay);
        writeRow(userId, itemId, eventType, timestamp, value, session);
      }
    }
  }

  private void writeRow(String userId, String itemId, String eventType, CharSequence ts, CharSequence value,
      long session) throws IOException {
    eventId.setLength(0);
    eventId.append('E');
    SyntheticShop.appendZeroPadded(eventId, ++lastEventNumber, EVENT_ID_DIGITS);
    sessionId.setLength(0);
    sessionId.append('S');
    SyntheticShop.appendZeroPadded(sessionId, session, SESSION_ID_DIGITS);
    out.field(eventId).field(userId).field(itemId).field(eventType).field(ts).field(value).field(sessionId);
    out.endRow();
  }

  /** Appends {@code HH:mm:ssZ}. */
  private static void appendTimeOfDay(StringBuilder text, int secondOfDay) {
    SyntheticShop.appendZeroPadded(text, secondOfDay / 3600, 2);
    text.append(':');
    SyntheticShop.appendZeroPadded(text, secondOfDay / 60 % 60, 2);
    text.append(':');
    SyntheticShop.appendZeroPadded(text, secondOfDay % 60, 2);
    text.append('Z');
  }

  private String pick(String[] values) {
    return values[noise.nextInt(values.length)];
  }
}

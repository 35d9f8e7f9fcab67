package dev.nightjar.transforms;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.privacy.Pseudonyms;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Validation of raw behaviour events into clean {@code events} and {@code quarantine} rows, with
 * built-in Spark SQL functions only (no UDFs, so the RAPIDS Accelerator can run it).
 *
 * <p>Every candidate row gets exactly one outcome: {@code reason} is null for accepted rows and a
 * reason code from {@link Reasons} otherwise, so rows in = accepted + quarantined by construction.
 *
 * <pre>{@code
 * Dataset<Row> batch = Ingest.selectBatch(rawEvents, ingestedElsewhere, runDate);
 * Dataset<Row> checked = Ingest.validate(batch, items, acceptedKeysElsewhere, runDate, IngestParams.defaults());
 * Dataset<Row> events = Ingest.accepted(checked, runDate);
 * Dataset<Row> quarantine = Ingest.quarantined(checked, runDate);
 * }</pre>
 */
public final class Ingest {
  private Ingest() {}

  /** The columns of {@code raw_events}, as imported (all strings but the bookkeeping ones). */
  public static final String[] RAW_EVENT_VALUE_COLUMNS = {
    Columns.EVENT_ID, Columns.USER_ID, Columns.ITEM_ID, Columns.EVENT_TYPE,
    Columns.TS, Columns.VALUE, Columns.SESSION_ID, Columns.ATTRIBUTES
  };

  /** Table name written into {@code quarantine.source_table} for events. */
  public static final String SOURCE_TABLE = "raw_events";

  private static void checkRaw(Dataset<Row> raw) {
    SchemaCheck.require(
        raw,
        "raw_events",
        SchemaCheck.columns(
            Columns.RAW_ID, DataTypes.StringType,
            Columns.SOURCE, DataTypes.StringType,
            Columns.SOURCE_FLAG, DataTypes.StringType,
            Columns.IMPORTED_AT, DataTypes.TimestampType,
            Columns.EVENT_ID, DataTypes.StringType,
            Columns.USER_ID, DataTypes.StringType,
            Columns.ITEM_ID, DataTypes.StringType,
            Columns.EVENT_TYPE, DataTypes.StringType,
            Columns.TS, DataTypes.StringType,
            Columns.VALUE, DataTypes.StringType,
            Columns.SESSION_ID, DataTypes.StringType,
            Columns.ATTRIBUTES, DataTypes.StringType));
  }

  /**
   * Parses an event timestamp given as ISO-8601 ({@code 2026-10-05T13:45:12Z}, {@code 2010-12-01
   * 08:26:00}) or as epoch seconds; anything else (including words Spark would otherwise accept,
   * like {@code yesterday}) gives null.
   */
  public static Column parseTimestamp(Column ts) {
    Column trimmed = trim(ts);
    // the pattern guarantees a number, so a plain cast (which the RAPIDS Accelerator runs; try_cast it does not)
    return when(trimmed.rlike("^[0-9]{9,11}(\\.[0-9]+)?$"), timestamp_seconds(trimmed.cast("double")))
        .when(trimmed.rlike("^[0-9]{4}-[0-9]{2}-[0-9]{2}"), call_function("try_to_timestamp", trimmed))
        .otherwise(lit(null).cast(DataTypes.TimestampType));
  }

  /**
   * A decimal number, optionally signed, with an optional fraction and exponent. No {@code \\s*} around it:
   * the RAPIDS Accelerator's regex engine refuses {@code \\s*$}, so {@link #parseNumber} trims first.
   */
  static final String NUMBER_PATTERN = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]{1,3})?$";

  /**
   * A string as a double when, without its surrounding spaces, it is a plain decimal number
   * ({@link #NUMBER_PATTERN}: {@code 2}, {@code -1.5}, {@code .5}, {@code 1e3}), else null. Unlike
   * {@code try_cast(s AS DOUBLE)} it refuses {@code NaN}, {@code Infinity} and Java suffixes like
   * {@code 2d}, and the RAPIDS Accelerator runs it on the GPU (it has no {@code try_cast}).
   */
  public static Column parseNumber(Column s) {
    Column trimmed = trim(s);
    return when(trimmed.rlike(NUMBER_PATTERN), trimmed.cast(DataTypes.DoubleType));
  }

  /** Start of the day after {@code date}, in the session time zone (UTC in Nightjar). */
  static Column endOf(LocalDate date) {
    return lit(java.sql.Timestamp.valueOf(date.plusDays(1).atStartOfDay()));
  }

  /**
   * The raw events that night D takes: timestamp up to the end of D (or unparseable, so it is
   * quarantined on the first night that sees it), and not already taken by another night.
   *
   * @param ingestedElsewhere {@code raw_id}s that events or quarantine hold under other ingest dates
   */
  public static Dataset<Row> selectBatch(Dataset<Row> raw, Dataset<Row> ingestedElsewhere, LocalDate runDate) {
    checkRaw(raw);
    Column eventTime = parseTimestamp(col(Columns.TS));
    Dataset<Row> due = raw.where(eventTime.isNull().or(eventTime.lt(endOf(runDate))));
    return due.join(ingestedElsewhere.select(Columns.RAW_ID).distinct(), Columns.RAW_ID, "left_anti");
  }

  /**
   * Validates a batch; returns every row with parsed columns ({@code event_time}, {@code value_num},
   * {@code event_key}), the values as imported ({@code original}, a struct; {@link #quarantined} writes it
   * as JSON) and a {@code reason} that is null for accepted rows.
   *
   * @param catalogue the clean items ({@code item_id} column)
   * @param acceptedElsewhere {@code event_key}s already accepted by other nights (duplicates of them are quarantined)
   */
  public static Dataset<Row> validate(
      Dataset<Row> batch,
      Dataset<Row> catalogue,
      Dataset<Row> acceptedElsewhere,
      LocalDate runDate,
      IngestParams p) {
    return validate(batch, catalogue, acceptedElsewhere, runDate, p, null);
  }

  /**
   * {@link #validate(Dataset, Dataset, Dataset, LocalDate, IngestParams)} with {@code event_key} keyed:
   * HMAC-SHA256 with {@code eventKeySecret} over the event id, or over the raw user id, item, type,
   * timestamp, value and session of an event without one. Unkeyed, that key is a plain hash of the raw
   * user id and what the event says, so whoever knows them could find the event's row; keyed, only the
   * key's holder can. {@code acceptedElsewhere} must hold keys made with the same secret.
   *
   * @param eventKeySecret the secret (the pipeline passes its pseudonym key), or null for an unkeyed hash
   */
  public static Dataset<Row> validate(
      Dataset<Row> batch,
      Dataset<Row> catalogue,
      Dataset<Row> acceptedElsewhere,
      LocalDate runDate,
      IngestParams p,
      byte[] eventKeySecret) {
    checkRaw(batch);
    Column userId = nullIfBlank(col(Columns.USER_ID));
    Column itemId = nullIfBlank(col(Columns.ITEM_ID));
    Column eventType = lower(nullIfBlank(col(Columns.EVENT_TYPE)));
    Column value = nullIfBlank(col(Columns.VALUE));
    Column[] original = Arrays.stream(RAW_EVENT_VALUE_COLUMNS).map(c -> col(c)).toArray(Column[]::new);
    Dataset<Row> parsed =
        batch
            .withColumn(Columns.ORIGINAL, struct(original))
            .withColumn(Columns.USER_ID, userId)
            .withColumn(Columns.ITEM_ID, itemId)
            .withColumn(Columns.EVENT_TYPE, eventType)
            .withColumn(Columns.VALUE, value)
            .withColumn(Columns.EVENT_TIME, parseTimestamp(col(Columns.TS)))
            .withColumn(Columns.VALUE_NUM, parseNumber(col(Columns.VALUE)))
            .withColumn(Columns.EVENT_KEY, eventKey(eventKeySecret));

    Dataset<Row> known = catalogue.select(col(Columns.ITEM_ID).as("known_item_id")).distinct();
    Dataset<Row> seen = acceptedElsewhere.select(col(Columns.EVENT_KEY).as("seen_key")).distinct();
    Dataset<Row> joined =
        parsed
            .join(known, parsed.col(Columns.ITEM_ID).equalTo(known.col("known_item_id")), "left")
            .join(seen, parsed.col(Columns.EVENT_KEY).equalTo(seen.col("seen_key")), "left")
            .withColumn(
                "key_occurrence",
                row_number().over(Window.partitionBy(Columns.EVENT_KEY).orderBy(Columns.RAW_ID)));

    Column type = col(Columns.EVENT_TYPE);
    Column num = col(Columns.VALUE_NUM);
    Column time = col(Columns.EVENT_TIME);
    Column oldest = lit(Date.valueOf(runDate.minusDays(p.maxEventAgeDays())));
    Column latestPlausible =
        col(Columns.IMPORTED_AT).plus(expr("INTERVAL " + p.maxFutureSkewHours() + " HOURS"));
    Column knownType = type.isin((Object[]) EventTypes.ALL.toArray(new String[0]));
    Column reason =
        when(col(Columns.SOURCE_FLAG).isNotNull(), col(Columns.SOURCE_FLAG))
            .when(col(Columns.USER_ID).isNull(), lit(Reasons.MISSING_USER_ID))
            .when(type.isNull(), lit(Reasons.MISSING_EVENT_TYPE))
            .when(not(knownType), lit(Reasons.UNKNOWN_EVENT_TYPE))
            .when(col(Columns.ITEM_ID).isNull().and(type.notEqual(EventTypes.SEARCH)), lit(Reasons.MISSING_ITEM_ID))
            .when(time.isNull(), lit(Reasons.BAD_TIMESTAMP))
            .when(time.gt(latestPlausible), lit(Reasons.FUTURE_TIMESTAMP))
            .when(time.lt(oldest), lit(Reasons.TOO_OLD))
            .when(
                col(Columns.VALUE).isNotNull()
                    .and(type.isin(EventTypes.PURCHASE, EventTypes.CART, EventTypes.RATING))
                    .and(num.isNull()),
                lit(Reasons.BAD_VALUE))
            .when(type.equalTo(EventTypes.RATING).and(num.isNull().or(num.lt(1)).or(num.gt(5))), lit(Reasons.BAD_VALUE))
            .when(type.isin(EventTypes.PURCHASE, EventTypes.CART).and(num.leq(0)), lit(Reasons.NON_POSITIVE_QUANTITY))
            .when(col(Columns.ITEM_ID).isNotNull().and(col("known_item_id").isNull()), lit(Reasons.UNKNOWN_ITEM_ID))
            .when(col("seen_key").isNotNull().or(col("key_occurrence").gt(1)), lit(Reasons.DUPLICATE))
            .otherwise(lit(null).cast(DataTypes.StringType));
    return joined.withColumn(Columns.REASON, reason).drop("known_item_id", "seen_key", "key_occurrence");
  }

  /** The event's identity for de-duplication: its id, else a hash of what it says; keyed when a secret is given. */
  private static Column eventKey(byte[] secret) {
    Column key =
        coalesce(
            nullIfBlank(col(Columns.EVENT_ID)),
            sha2(
                concat_ws(
                    "\u0001",
                    coalesce(col(Columns.USER_ID), lit("")),
                    coalesce(col(Columns.ITEM_ID), lit("")),
                    coalesce(col(Columns.EVENT_TYPE), lit("")),
                    coalesce(col(Columns.TS), lit("")),
                    coalesce(col(Columns.VALUE), lit("")),
                    coalesce(col(Columns.SESSION_ID), lit(""))),
                256));
    return secret == null ? key : Pseudonyms.hmacSha256(key, secret);
  }

  /** Accepted rows in the layout of the {@code events} table. */
  public static Dataset<Row> accepted(Dataset<Row> validated, LocalDate runDate) {
    return validated
        .where(col(Columns.REASON).isNull())
        .select(
            col(Columns.EVENT_KEY),
            col(Columns.RAW_ID),
            col(Columns.USER_ID),
            col(Columns.ITEM_ID),
            col(Columns.EVENT_TYPE),
            col(Columns.EVENT_TIME),
            to_date(col(Columns.EVENT_TIME)).as(Columns.EVENT_DATE),
            col(Columns.VALUE_NUM),
            col(Columns.VALUE),
            col(Columns.SESSION_ID),
            col(Columns.SOURCE),
            lit(Date.valueOf(runDate)).as(Columns.INGEST_DATE));
  }

  /**
   * Quarantined rows in the layout of the {@code quarantine} table: original values as JSON and the reason.
   * The JSON is made here, after the filter, so only quarantined rows pay for it ({@code to_json} is the
   * one expression of ingest the RAPIDS Accelerator leaves on the CPU, see docs/gpu.md).
   */
  public static Dataset<Row> quarantined(Dataset<Row> validated, LocalDate runDate) {
    return validated
        .where(col(Columns.REASON).isNotNull())
        .select(
            lit(SOURCE_TABLE).as(Columns.SOURCE_TABLE),
            col(Columns.RAW_ID),
            col(Columns.SOURCE),
            col(Columns.REASON),
            to_json(col(Columns.ORIGINAL)).as(Columns.ORIGINAL),
            lit(Date.valueOf(runDate)).as(Columns.INGEST_DATE));
  }

  static Column nullIfBlank(Column c) {
    return when(trim(c).equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(trim(c));
  }
}

package dev.nightjar.jobs.reliability;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.privacy.PseudonymKey;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.privacy.Pseudonyms;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to be forgotten: removes every row of the given users from every table of the
 * lakehouse that holds user ids, VACUUMs the tables it changed so older versions lose those rows
 * too, and appends one audit row per user to {@code forget_audit}.
 *
 * <p>Which tables: every Delta table under the lakehouse root (not only {@link Tables#ALL}) with a
 * string column {@code user_id}; {@code user_index} by its {@code id}; {@code quarantine} by the
 * {@code user_id} inside its {@code original} JSON. A row matches when that value, trimmed as ingest
 * trims it, is one of the raw ids or its HMAC pseudonym ({@link Pseudonyms#hmacSha256Hex}), so tables
 * keyed by pseudonyms are covered too. Any other string column whose name contains "user" stops the
 * run before anything is deleted, so a new table cannot silently escape erasure.
 *
 * <p>How: one MERGE … WHEN MATCHED DELETE per table against a small table of the ids, so the ids
 * never appear in the transaction log's commit info (a {@code DELETE WHERE user_id IN (…)} would write
 * them there); tables with deletion vectors are purged ({@code REORG … APPLY (PURGE)}) so the rows
 * leave the data files; then VACUUM with {@code nightjar.privacy.vacuumRetentionHours}. The audit
 * row holds the pseudonym, never the raw id. See docs/reliability.md for what stays behind.
 *
 * <pre>{@code
 * byte[] key = ctx.pseudonymKey(); // PseudonymKey.load with the context's config, session and lakehouse
 * ForgetUsers.Result r = ForgetUsers.run(ctx, List.of("U042", "U108"), key, Instant.now());
 * r.rowsRemoved(); // {events=31, interactions=12, ...}
 * }</pre>
 */
public final class ForgetUsers {
  private static final Logger LOG = LoggerFactory.getLogger(ForgetUsers.class);
  public static final String NAME = "forget";

  public static final String FORGOTTEN_AT = "forgotten_at";
  public static final String USER_PSEUDONYM = "user_pseudonym";
  public static final String KEY_FINGERPRINT = "key_fingerprint";
  public static final String TABLES_TOUCHED = "tables_touched";
  public static final String ROWS_REMOVED = "rows_removed";
  public static final String VACUUM_RETENTION_HOURS = "vacuum_retention_hours";

  /** Layout of {@code forget_audit}: one row per forgotten user and run. */
  public static final StructType AUDIT_SCHEMA =
      new StructType()
          .add(FORGOTTEN_AT, DataTypes.TimestampType, false)
          .add(USER_PSEUDONYM, DataTypes.StringType, false)
          .add(KEY_FINGERPRINT, DataTypes.StringType, false)
          .add(TABLES_TOUCHED, DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(ROWS_REMOVED, DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType, false), false)
          .add(VACUUM_RETENTION_HOURS, DataTypes.IntegerType, false);

  private static final String MATCH_ID = "forget_match_id";
  private static final String RAW_USER = "forget_raw_user";
  private static final String MATCHED = "forget_matched";
  private static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  private ForgetUsers() {}

  /**
   * Where one table holds user ids.
   *
   * @param table the table
   * @param column the column holding the id, or the JSON text holding it under {@code user_id}
   * @param json whether {@code column} is JSON text
   */
  public record UserColumn(String table, String column, boolean json) {
    /** The trimmed user id of a row; {@code qualifier} is a table alias with its dot, or "". */
    Column value(String qualifier) {
      Column c = col(qualifier + column);
      return trim(json ? get_json_object(c, "$." + Columns.USER_ID) : c);
    }
  }

  /**
   * What one forget did.
   *
   * @param forgottenAt the time written to the audit rows
   * @param users how many distinct ids were forgotten
   * @param rowsRemoved rows deleted per table (tables with none left out)
   * @param vacuumRetentionHours the retention the changed tables were VACUUMed with
   */
  public record Result(Instant forgottenAt, int users, Map<String, Long> rowsRemoved, int vacuumRetentionHours) {}

  /**
   * The user-id columns of every table under the lakehouse root ({@code forget_audit} aside).
   *
   * @throws IllegalStateException naming any other string column that looks like a user id
   */
  public static List<UserColumn> userColumns(Lakehouse lake) {
    List<UserColumn> found = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    for (String table : lake.tableNames()) {
      if (table.equals(Tables.FORGET_AUDIT)) {
        continue;
      }
      StructType schema = lake.read(table).schema();
      Optional<UserColumn> match = userColumn(table, schema);
      for (StructField f : schema.fields()) {
        boolean userLike = f.dataType().equals(DataTypes.StringType) && f.name().toLowerCase(Locale.ROOT).contains("user");
        if (userLike && match.map(m -> !m.column().equals(f.name())).orElse(true)) {
          unknown.add(table + "." + f.name());
        }
      }
      match.ifPresent(found::add);
    }
    if (!unknown.isEmpty()) {
      throw new IllegalStateException(
          "forget does not know how to match users in " + unknown + ": nothing was deleted. Teach "
              + "ForgetUsers.userColumn which column holds the user id (or that none does) before forgetting anyone.");
    }
    return found;
  }

  private static Optional<UserColumn> userColumn(String table, StructType schema) {
    List<String> strings =
        Arrays.stream(schema.fields()).filter(f -> f.dataType().equals(DataTypes.StringType)).map(StructField::name).toList();
    if (table.equals(Tables.USER_INDEX) && strings.contains(Columns.ID)) {
      return Optional.of(new UserColumn(table, Columns.ID, false));
    }
    if (strings.contains(Columns.USER_ID)) {
      return Optional.of(new UserColumn(table, Columns.USER_ID, false));
    }
    if (table.equals(Tables.QUARANTINE) && strings.contains(Columns.ORIGINAL)) {
      return Optional.of(new UserColumn(table, Columns.ORIGINAL, true));
    }
    return Optional.empty();
  }

  /**
   * Forgets {@code userIds} (raw ids; surrounding whitespace ignored, blanks and repeats dropped).
   *
   * @param key the pseudonym key ({@link PseudonymKey#load}); the audit keeps only HMAC pseudonyms
   * @param now the time recorded in the audit rows
   */
  public static Result run(StageContext ctx, List<String> userIds, byte[] key, Instant now) {
    Lakehouse lake = ctx.lake();
    SparkSession spark = ctx.spark();
    spark.sparkContext().setJobGroup(NAME, "nightjar forget", false);
    List<String> ids = normalise(userIds);
    int hours = ctx.config().retention().vacuumRetentionHours();
    Vacuums.requireAllowed(spark, hours);
    List<UserColumn> columns = userColumns(lake);

    List<Row> matchRows = new ArrayList<>();
    Map<String, String> pseudonyms = new LinkedHashMap<>();
    for (String id : ids) {
      String pseudonym = Pseudonyms.hmacSha256Hex(id, key);
      pseudonyms.put(id, pseudonym);
      matchRows.add(RowFactory.create(id, id));
      matchRows.add(RowFactory.create(pseudonym, id));
    }
    StructType matchSchema =
        new StructType().add(MATCH_ID, DataTypes.StringType, false).add(RAW_USER, DataTypes.StringType, false);
    Dataset<Row> matches = spark.createDataFrame(matchRows, matchSchema);

    Map<String, Long> removed = new TreeMap<>();
    Map<String, Map<String, Long>> byUser = new LinkedHashMap<>();
    ids.forEach(id -> byUser.put(id, new TreeMap<>()));
    for (UserColumn uc : columns) {
      long version = lake.version(uc.table());
      long total = 0;
      for (Row hit : lake.readAt(uc.table(), version).select(uc.value("").as(MATCHED))
          .join(broadcast(matches), col(MATCHED).equalTo(col(MATCH_ID)))
          .groupBy(RAW_USER).count().collectAsList()) {
        byUser.get(hit.getString(0)).put(uc.table(), hit.getLong(1));
        total += hit.getLong(1);
      }
      if (total > 0) {
        delete(lake, uc, matches, total);
        removed.put(uc.table(), total);
      }
    }
    for (String table : removed.keySet()) {
      Vacuums.vacuum(lake, table, hours);
    }

    String fingerprint = PseudonymKey.fingerprint(key);
    List<Row> audit = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> user : byUser.entrySet()) {
      audit.add(RowFactory.create(
          Timestamp.from(now), pseudonyms.get(user.getKey()), fingerprint,
          user.getValue().keySet().toArray(new String[0]), scala(user.getValue()), hours));
    }
    lake.insertNew(Tables.FORGET_AUDIT, spark.createDataFrame(audit, AUDIT_SCHEMA), List.of(USER_PSEUDONYM, FORGOTTEN_AT));
    LOG.info("forget: {} users (key fingerprint {}), rows removed {}, VACUUM retention {} h, audit in {}",
        ids.size(), fingerprint, removed, hours, Tables.FORGET_AUDIT);
    return new Result(now, ids.size(), removed, hours);
  }

  private static List<String> normalise(List<String> userIds) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    for (String id : userIds) {
      if (id != null && !id.isBlank()) {
        ids.add(id.strip());
      }
    }
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("forget needs at least one user id (one raw user id per line)");
    }
    return List.copyOf(ids);
  }

  /** Deletes the matching rows in one commit, checks the count, and purges deletion vectors. */
  private static void delete(Lakehouse lake, UserColumn uc, Dataset<Row> matches, long expected) {
    DeltaTable table = DeltaTable.forPath(lake.spark(), lake.path(uc.table()));
    table.as("t").merge(matches.as("s"), uc.value("t.").equalTo(col("s." + MATCH_ID))).whenMatched().delete().execute();
    Map<String, String> metrics = table.history(1).select("operationMetrics").head().getJavaMap(0);
    long deleted = Long.parseLong(metrics.getOrDefault("numTargetRowsDeleted", "0"));
    if (deleted != expected) {
      throw new IllegalStateException(String.format(
          "forget: %d rows of %s matched, but the delete removed %d — did another job write it meanwhile? Run forget again.",
          expected, uc.table(), deleted));
    }
    Map<String, String> properties = table.detail().select("properties").head().getJavaMap(0);
    if (Boolean.parseBoolean(properties.getOrDefault(DELETION_VECTORS, "false"))) {
      LOG.info("{} uses deletion vectors: purging them so the deleted rows leave the data files", uc.table());
      lake.spark().sql("REORG TABLE delta.`" + lake.path(uc.table()) + "` APPLY (PURGE)");
    }
    LOG.info("forget: {} rows removed from {} (matched on {})", deleted, uc.table(), uc.column());
  }

  private static scala.collection.immutable.Map<String, Long> scala(Map<String, Long> map) {
    return scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(map));
  }
}

package dev.nightjar.transforms.privacy;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import dev.nightjar.transforms.SchemaCheck.SchemaMismatchException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * k-anonymity threshold on per-group outputs: a group (a segment, an item's "bought together" list,
 * a trending list per category…) is released only when at least {@code k} distinct users stand
 * behind it, so no released row describes fewer than k people.
 *
 * <p>Users are counted as distinct {@code user_id}s in {@code membership} (null ids do not count; a
 * user with many rows counts once). Group keys are compared null-safely: a null key is a group of
 * its own. Output groups with no membership rows have 0 users and are suppressed.
 *
 * <pre>{@code
 * KAnonymity.Result r = KAnonymity.suppressSmallGroups(trendingPerCategory, categoryBuyers, 10, Columns.CATEGORY);
 * r.kept().write().format("delta").mode("overwrite").save(path);
 * LOG.info("suppressed {} categories under k = 10", r.suppressedGroupCount());
 * }</pre>
 */
public final class KAnonymity {
  private KAnonymity() {}

  /** A threshold for stages that do not configure their own: groups of fewer than 10 users go. */
  public static final int DEFAULT_K = 10;

  /** The column of {@link Result#suppressedGroups()} holding each group's distinct-user count. */
  public static final String DISTINCT_USERS = "distinct_users";

  private static final String USERS_TMP = "_kanon_users";
  private static final String KEY_TMP = "_kanon_key_";

  /**
   * The outcome, both parts lazy.
   *
   * @param kept the rows of the per-group output whose group has at least k distinct users, with the
   *     output's columns unchanged
   * @param suppressedGroups one row per suppressed group of the output: the group columns and
   *     {@value #DISTINCT_USERS} (long, below k) — for reports, not for release
   */
  public record Result(Dataset<Row> kept, Dataset<Row> suppressedGroups) {
    /** The number of suppressed groups (runs a Spark job). */
    public long suppressedGroupCount() {
      return suppressedGroups.count();
    }
  }

  /**
   * Splits {@code perGroupOutput} into the groups with at least {@code k} distinct users and those
   * without.
   *
   * @param perGroupOutput rows to release, keyed by {@code groupCols} (several rows per group are fine)
   * @param membership the group columns (same types) plus {@link Columns#USER_ID} (string): which
   *     users stand behind each group
   * @param k the threshold, at least 1
   * @param groupCols the columns identifying a group, at least one
   */
  public static Result suppressSmallGroups(
      Dataset<Row> perGroupOutput, Dataset<Row> membership, int k, String... groupCols) {
    check(perGroupOutput, membership, k, groupCols);
    Column[] keyCols = Arrays.stream(groupCols).map(c -> col(c)).toArray(Column[]::new);
    Column[] renamed = new Column[groupCols.length];
    for (int i = 0; i < groupCols.length; i++) {
      renamed[i] = col(groupCols[i]).as(KEY_TMP + i);
    }
    Dataset<Row> usersPerGroup =
        membership
            .groupBy(keyCols)
            .agg(countDistinct(col(Columns.USER_ID)).as(USERS_TMP))
            .select(append(renamed, col(USERS_TMP)));

    Dataset<Row> kept =
        withUsers(perGroupOutput, usersPerGroup, groupCols)
            .where(col(USERS_TMP).geq(k))
            .select(Arrays.stream(perGroupOutput.columns()).map(c -> perGroupOutput.col(c)).toArray(Column[]::new));
    Dataset<Row> groups = perGroupOutput.select(keyCols).distinct();
    Dataset<Row> suppressed =
        withUsers(groups, usersPerGroup, groupCols)
            .where(col(USERS_TMP).lt(k))
            .select(append(keyCols, col(USERS_TMP).as(DISTINCT_USERS)));
    return new Result(kept, suppressed);
  }

  /** {@code rows} left-joined null-safely to the user counts, with {@value #USERS_TMP} 0 when absent. */
  private static Dataset<Row> withUsers(Dataset<Row> rows, Dataset<Row> usersPerGroup, String... groupCols) {
    Column on = lit(true);
    for (int i = 0; i < groupCols.length; i++) {
      on = on.and(rows.col(groupCols[i]).eqNullSafe(usersPerGroup.col(KEY_TMP + i)));
    }
    return rows.join(usersPerGroup, on, "left")
        .withColumn(USERS_TMP, coalesce(usersPerGroup.col(USERS_TMP), lit(0L)));
  }

  private static Column[] append(Column[] first, Column last) {
    Column[] out = Arrays.copyOf(first, first.length + 1);
    out[first.length] = last;
    return out;
  }

  private static void check(Dataset<Row> perGroupOutput, Dataset<Row> membership, int k, String... groupCols) {
    if (k < 1) {
      throw new IllegalArgumentException(
          "k must be >= 1 (groups with fewer than k distinct users are suppressed), got " + k);
    }
    if (groupCols.length == 0) {
      throw new IllegalArgumentException("groupCols must name at least one column identifying a group");
    }
    Map<String, DataType> outputTypes = new LinkedHashMap<>();
    for (StructField f : perGroupOutput.schema().fields()) {
      outputTypes.put(f.name(), f.dataType());
    }
    Map<String, DataType> required = new LinkedHashMap<>();
    for (String g : groupCols) {
      DataType type = outputTypes.get(g);
      if (type == null) {
        throw new SchemaMismatchException(
            String.format(
                "per-group output is missing group column '%s'. Columns found: %s. "
                    + "Fix: pass the columns that identify a group as groupCols.",
                g, outputTypes.keySet()));
      }
      required.put(g, type);
    }
    required.put(Columns.USER_ID, DataTypes.StringType);
    SchemaCheck.require(membership, "k-anonymity membership", required);
  }
}

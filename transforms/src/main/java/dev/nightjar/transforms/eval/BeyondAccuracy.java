package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Beyond-accuracy metrics of top-k lists, on Spark in built-in functions. Each takes {@code
 * recommendations (user_id STRING, item_id STRING, rank INT)}, read as in {@link RankingMetrics}
 * (rank order, ties by item_id, an item listed twice counted once, positions renumbered 1, 2, …),
 * and returns rows {@code metric STRING, k INT, value DOUBLE}, one per k; a value is null where the
 * metric is undefined (e.g. no lists). To measure a slice of users, filter {@code recommendations}
 * to those users first (e.g. with {@link Slices#users}). Recommendations with a {@code variant} column
 * ({@link EvalColumns#VARIANT}: the lists of several variants at once) give one set of rows per variant,
 * {@code variant, metric, k, value}, in one pass — the same values as each variant's lists alone.
 *
 * <ul>
 *   <li>{@link #coverage}: distinct catalogue items in anyone's top-k ÷ catalogue size.
 *   <li>{@link #novelty}: mean self-information {@code −log2(c_i / U)} over all top-k slots, where
 *       {@code c_i} is the number of train users who interacted with item i and {@code U} the number
 *       of train users.
 *   <li>{@link #intraListDiversity}: {@code 1 −} mean pairwise cosine within a user's top-k,
 *       averaged over users.
 *   <li>{@link #personalisation}: {@code 1 −} mean overlap {@code |A∩B|/k} over all pairs of users'
 *       top-k lists, computed exactly from item counts, without pairing users.
 * </ul>
 *
 * <pre>{@code
 * int[] ks = {10, 20};
 * Dataset<Row> beyond = BeyondAccuracy.coverage(recommendations, items, ks)
 *     .union(BeyondAccuracy.novelty(recommendations, split.train(), ks))
 *     .union(BeyondAccuracy.intraListDiversity(recommendations, itemVectors, ks))
 *     .union(BeyondAccuracy.personalisation(recommendations, ks));
 * }</pre>
 */
public final class BeyondAccuracy {
  private BeyondAccuracy() {}

  private static final String N = "__eval_n";
  private static final String U = "__eval_users";
  private static final String INFO = "__eval_info";
  private static final String DIM = "__eval_dim";
  private static final String X = "__eval_x";
  private static final String NORM = "__eval_norm";
  private static final String S = "__eval_s";
  private static final String SQ = "__eval_sq";

  /**
   * Catalogue coverage@k: the number of distinct items of {@code catalogue} that appear in at least
   * one user's top-k, divided by the number of distinct items in {@code catalogue}. Recommended
   * items missing from the catalogue do not count. Null for an empty catalogue.
   *
   * @param catalogue items, {@code item_id STRING} (e.g. the {@code items} table)
   */
  public static Dataset<Row> coverage(Dataset<Row> recommendations, Dataset<Row> catalogue, int[] ks) {
    int[] sortedKs = EvalParams.checkKs(ks);
    SchemaCheck.require(catalogue, "catalogue", SchemaCheck.columns(Columns.ITEM_ID, DataTypes.StringType));
    Dataset<Row> items = catalogue.select(Columns.ITEM_ID).where(col(Columns.ITEM_ID).isNotNull()).distinct();
    List<String> groups = TopLists.groups(recommendations);
    Dataset<Row> size = items.agg(count(lit(1)).as(U));
    Dataset<Row> covered =
        TopLists.positions(recommendations, sortedKs[sortedKs.length - 1])
            .join(items, new String[] {Columns.ITEM_ID}, "left_semi")
            .groupBy(TopLists.cols(TopLists.plus(groups, Columns.ITEM_ID)))
            .agg(min(TopLists.POS).as(TopLists.POS)) // an item is in some top-k iff its best position ≤ k
            .join(broadcast(TopLists.ksTable(recommendations.sparkSession(), sortedKs)), col(TopLists.POS).leq(col(EvalColumns.K)))
            .groupBy(TopLists.cols(TopLists.plus(groups, EvalColumns.K)))
            .agg(count(lit(1)).as(N));
    Dataset<Row> grid = TopLists.grid(recommendations, sortedKs);
    Dataset<Row> perK =
        grid
            .join(covered, TopLists.plus(groups, EvalColumns.K).toArray(String[]::new), "left")
            .crossJoin(size)
            .withColumn(EvalColumns.VALUE, when(col(U).gt(0), coalesce(col(N), lit(0L)).divide(col(U))));
    return TopLists.metricRows(perK, grid, EvalColumns.COVERAGE);
  }

  /**
   * Novelty@k: the mean, over every (user, item) slot at position ≤ k, of the item's
   * self-information {@code −log2(c_i / U)}, where {@code c_i} is the number of distinct users with
   * a {@code train} row for the item and {@code U} the number of distinct users in {@code train}.
   * An item absent from train is counted as if one user had it ({@code c_i = 1}, the largest finite
   * value, {@code log2 U}). Null when there are no lists or no train users.
   *
   * @param train the training interactions, {@code user_id STRING, item_id STRING}
   */
  public static Dataset<Row> novelty(Dataset<Row> recommendations, Dataset<Row> train, int[] ks) {
    int[] sortedKs = EvalParams.checkKs(ks);
    TopLists.checkUserItem(train, "train");
    Dataset<Row> pairs =
        train.select(Columns.USER_ID, Columns.ITEM_ID)
            .where(col(Columns.USER_ID).isNotNull().and(col(Columns.ITEM_ID).isNotNull()))
            .distinct();
    Dataset<Row> users = pairs.agg(count_distinct(col(Columns.USER_ID)).as(U));
    Dataset<Row> popularity = pairs.groupBy(Columns.ITEM_ID).agg(count(lit(1)).as(N));
    Column info =
        when(
            col(U).gt(0),
            log2(col(U).divide(greatest(coalesce(col(N), lit(0L)), lit(1L)))));
    Dataset<Row> perK =
        TopLists.positions(recommendations, sortedKs[sortedKs.length - 1])
            .join(popularity, new String[] {Columns.ITEM_ID}, "left")
            .crossJoin(users)
            .withColumn(INFO, info)
            .join(broadcast(TopLists.ksTable(recommendations.sparkSession(), sortedKs)), col(TopLists.POS).leq(col(EvalColumns.K)))
            .groupBy(TopLists.cols(TopLists.plus(TopLists.groups(recommendations), EvalColumns.K)))
            .agg(avg(INFO).as(EvalColumns.VALUE));
    return TopLists.metricRows(perK, TopLists.grid(recommendations, sortedKs), EvalColumns.NOVELTY);
  }

  /**
   * Intra-list diversity@k: for each user, {@code 1 −} the mean cosine similarity over all pairs of
   * items in the top-k that have a vector; averaged over users with at least 2 such items (others
   * are skipped). Null when no user qualifies.
   *
   * <p>Computed without forming pairs: with unit vectors {@code u_i} and {@code S = Σ u_i} over a
   * list of {@code n}, {@code Σ_{i<j} cos(i, j) = (|S|² − n) / 2}, so the mean is {@code (|S|² − n) /
   * (n(n − 1))}. Cost is one row per list slot and vector dimension.
   *
   * @param itemVectors one row per item, {@code item_id STRING, vector ARRAY<FLOAT>}; items with a
   *     null or all-zero vector count as having none; vectors of different lengths are compared as
   *     if padded with zeros
   */
  public static Dataset<Row> intraListDiversity(
      Dataset<Row> recommendations, Dataset<Row> itemVectors, int[] ks) {
    int[] sortedKs = EvalParams.checkKs(ks);
    DataType found =
        itemVectors.schema().getFieldIndex(EvalColumns.VECTOR).isDefined()
            ? itemVectors.schema().apply(EvalColumns.VECTOR).dataType()
            : null;
    boolean containsNull = found instanceof ArrayType a && a.containsNull();
    SchemaCheck.require(
        itemVectors,
        "item vectors",
        SchemaCheck.columns(
            Columns.ITEM_ID, DataTypes.StringType,
            EvalColumns.VECTOR, DataTypes.createArrayType(DataTypes.FloatType, containsNull)));
    Dataset<Row> kTable = broadcast(TopLists.ksTable(recommendations.sparkSession(), sortedKs));

    Dataset<Row> elements =
        itemVectors
            .where(col(Columns.ITEM_ID).isNotNull())
            .select(col(Columns.ITEM_ID), posexplode(col(EvalColumns.VECTOR)).as(new String[] {DIM, X}))
            .withColumn(X, col(X).cast(DataTypes.DoubleType));
    Dataset<Row> norms =
        elements
            .groupBy(Columns.ITEM_ID)
            .agg(sqrt(sum(col(X).multiply(col(X)))).as(NORM))
            .where(col(NORM).gt(0));
    Dataset<Row> unit =
        elements.join(norms, Columns.ITEM_ID).select(col(Columns.ITEM_ID), col(DIM), col(X).divide(col(NORM)).as(X));

    List<String> list = TopLists.plus(TopLists.groups(recommendations), Columns.USER_ID);
    Dataset<Row> slots =
        TopLists.positions(recommendations, sortedKs[sortedKs.length - 1])
            .join(norms.select(Columns.ITEM_ID), new String[] {Columns.ITEM_ID}, "left_semi")
            .withColumn(TopLists.BUCKET, TopLists.bucket(sortedKs));
    Column inK = col(TopLists.BUCKET).leq(col(EvalColumns.K));
    Dataset<Row> listSizes =
        slots
            .groupBy(TopLists.cols(TopLists.plus(list, TopLists.BUCKET)))
            .agg(count(lit(1)).as(N))
            .join(kTable, inK)
            .groupBy(TopLists.cols(TopLists.plus(list, EvalColumns.K)))
            .agg(sum(N).as(N))
            .where(col(N).geq(2));
    Dataset<Row> squaredSums =
        slots
            .join(unit, Columns.ITEM_ID)
            .groupBy(TopLists.cols(TopLists.plus(list, TopLists.BUCKET, DIM)))
            .agg(sum(X).as(S))
            .join(kTable, inK)
            .groupBy(TopLists.cols(TopLists.plus(list, EvalColumns.K, DIM)))
            .agg(sum(S).as(S))
            .groupBy(TopLists.cols(TopLists.plus(list, EvalColumns.K)))
            .agg(sum(col(S).multiply(col(S))).as(SQ));
    Column n = col(N).cast(DataTypes.DoubleType);
    Dataset<Row> perK =
        listSizes
            .join(squaredSums, TopLists.plus(list, EvalColumns.K).toArray(String[]::new))
            .withColumn(EvalColumns.VALUE, lit(1.0).minus(col(SQ).minus(n).divide(n.multiply(n.minus(1)))))
            .groupBy(TopLists.cols(TopLists.plus(TopLists.groups(recommendations), EvalColumns.K)))
            .agg(avg(EvalColumns.VALUE).as(EvalColumns.VALUE));
    return TopLists.metricRows(perK, TopLists.grid(recommendations, sortedKs), EvalColumns.INTRA_LIST_DIVERSITY);
  }

  /**
   * Personalisation@k: {@code 1 −} the mean, over all pairs of users with a list, of {@code |A∩B| /
   * k} between their top-k item sets (lists shorter than k are still divided by k). Exact without
   * pairing users: if {@code c_i} users have item i in their top-k, {@code Σ_{pairs} |A∩B| = Σ_i
   * c_i(c_i − 1)/2}, so for {@code U} users the mean overlap is {@code Σ_i c_i(c_i − 1)/2 ÷ (U(U −
   * 1)/2) ÷ k}. Null with fewer than 2 users.
   */
  public static Dataset<Row> personalisation(Dataset<Row> recommendations, int[] ks) {
    int[] sortedKs = EvalParams.checkKs(ks);
    List<String> groups = TopLists.groups(recommendations);
    Dataset<Row> top = TopLists.positions(recommendations, sortedKs[sortedKs.length - 1]);
    Dataset<Row> users = top.groupBy(TopLists.cols(groups)).agg(count_distinct(col(Columns.USER_ID)).as(U));
    Column u = col(U).cast(DataTypes.DoubleType);
    Dataset<Row> pairs =
        top.join(broadcast(TopLists.ksTable(recommendations.sparkSession(), sortedKs)), col(TopLists.POS).leq(col(EvalColumns.K)))
            .groupBy(TopLists.cols(TopLists.plus(groups, EvalColumns.K, Columns.ITEM_ID)))
            .agg(count(lit(1)).as(N))
            .groupBy(TopLists.cols(TopLists.plus(groups, EvalColumns.K)))
            .agg(sum(col(N).multiply(col(N).minus(1))).as(S)); // = 2 × Σ_pairs |A∩B|
    Dataset<Row> perK =
        TopLists.joinOnGroups(pairs, users, groups)
            .withColumn(
                EvalColumns.VALUE,
                when(
                        col(U).geq(2),
                        lit(1.0).minus(col(S).divide(u.multiply(u.minus(1)).multiply(col(EvalColumns.K))))));
    return TopLists.metricRows(perK, TopLists.grid(recommendations, sortedKs), EvalColumns.PERSONALISATION);
  }
}

package dev.nightjar.transforms.eval;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.transforms.Columns;
import dev.nightjar.transforms.SchemaCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Accuracy of top-k lists against held-out truth, with binary relevance, on Spark in built-in
 * functions (joins, windows and aggregations the RAPIDS Accelerator can run).
 *
 * <p>Inputs: {@code recommendations (user_id STRING, item_id STRING, rank INT)} — each list read in
 * {@code rank} order, ties by {@code item_id}, an item listed twice counted once at its best rank,
 * positions renumbered 1, 2, … — and {@code truth (user_id STRING, item_id STRING)}, the relevant
 * items (e.g. {@link Split#truth()}; duplicates are ignored). For a user with relevant set {@code R},
 * hits at positions {@code r ≤ k}, and {@code hits@k} the number of them:
 *
 * <ul>
 *   <li>{@code precision@k = hits@k / k} (also when the list is shorter than k);
 *   <li>{@code recall@k = hits@k / |R|};
 *   <li>{@code ndcg@k = DCG / IDCG}, {@code DCG = Σ_hits 1/log2(r+1)}, {@code IDCG = Σ_{i=1..min(k,|R|)}
 *       1/log2(i+1)};
 *   <li>{@code map@k = (Σ_hits precision@r) / |R|} — divided by the number of relevant items, not by
 *       {@code min(k, |R|)}, so a perfect list scores 1 only when {@code |R| ≤ k};
 *   <li>{@code hit_rate@k = 1} if there is a hit, else 0;
 *   <li>{@code mrr@k = 1 / r} of the first hit, 0 if none.
 * </ul>
 *
 * <p>Averages are over the users with at least one relevant item: users with a list but no truth
 * are not counted; users with truth but no list count as zero on every metric. A cut-off with no
 * such user gets a null value.
 *
 * <p>Recommendations with a {@code variant} column ({@link EvalColumns#VARIANT}) hold the lists of several
 * variants: every result row then carries the variant, and each variant's values are those of its lists alone
 * against the same truth (one pass instead of one per variant; a variant with no list row at all is absent).
 *
 * <pre>{@code
 * Dataset<Row> metrics = RankingMetrics.compute(recommendations, split.truth(), new int[] {5, 10});
 * // metric STRING, k INT, value DOUBLE: ("hit_rate", 5, 0.41), ("map", 5, 0.12), …
 * Dataset<Row> perUser = RankingMetrics.perUser(recommendations, split.truth(), new int[] {10});
 * Dataset<Row> heavy = RankingMetrics.aggregate(perUser.join(heavyUsers, "user_id", "left_semi"), new int[] {10});
 * }</pre>
 */
public final class RankingMetrics {
  private RankingMetrics() {}

  /** The metrics, in the order of the per-user columns. */
  public static final List<String> METRICS =
      List.of(
          EvalColumns.PRECISION,
          EvalColumns.RECALL,
          EvalColumns.NDCG,
          EvalColumns.MAP,
          EvalColumns.HIT_RATE,
          EvalColumns.MRR);

  private static final String HIT_NO = "__eval_hit_no";
  private static final String HITS = "__eval_hits";
  private static final String DCG = "__eval_dcg";
  private static final String AP_SUM = "__eval_ap_sum";
  private static final String FIRST_HIT = "__eval_first_hit";
  private static final String M = "__eval_m";
  private static final String IDCG = "__eval_idcg";

  /** Mean of every metric at every k: rows {@code metric STRING, k INT, value DOUBLE}. */
  public static Dataset<Row> compute(Dataset<Row> recommendations, Dataset<Row> truth, int[] ks) {
    return aggregate(perUser(recommendations, truth, ks), ks);
  }

  /**
   * Like {@link #compute} per slice: {@code slicedTruth} has {@code slice, user_id, item_id} (e.g.
   * from {@link Slices#truth}); rows {@code slice, metric, k, value}, one set per slice.
   */
  public static Dataset<Row> computeBySlice(Dataset<Row> recommendations, Dataset<Row> slicedTruth, int[] ks) {
    return aggregate(perUserBySlice(recommendations, slicedTruth, ks), ks);
  }

  /**
   * Per-user values: one row per user with at least one relevant item and per k, {@code user_id, k,
   * n_relevant, precision, recall, ndcg, map, hit_rate, mrr}.
   */
  public static Dataset<Row> perUser(Dataset<Row> recommendations, Dataset<Row> truth, int[] ks) {
    TopLists.checkUserItem(truth, "truth");
    return perUser(recommendations, truth, ks, List.of(Columns.USER_ID));
  }

  /** {@link #perUser} with the truth's {@code slice} column kept: rows per slice, user and k. */
  public static Dataset<Row> perUserBySlice(Dataset<Row> recommendations, Dataset<Row> slicedTruth, int[] ks) {
    TopLists.checkUserItem(slicedTruth, "sliced truth");
    SchemaCheck.require(slicedTruth, "sliced truth", SchemaCheck.columns(EvalColumns.SLICE, DataTypes.StringType));
    return perUser(recommendations, slicedTruth, ks, List.of(EvalColumns.SLICE, Columns.USER_ID));
  }

  /**
   * Means of per-user rows (from {@link #perUser} or {@link #perUserBySlice}, possibly filtered to
   * a set of users): rows {@code metric, k, value}, or {@code slice, metric, k, value} when the rows
   * have a {@code slice} column. Every k of {@code ks} is reported; per-user rows at other k are
   * ignored.
   */
  public static Dataset<Row> aggregate(Dataset<Row> perUser, int[] ks) {
    int[] sortedKs = EvalParams.checkKs(ks);
    boolean sliced = Arrays.asList(perUser.columns()).contains(EvalColumns.SLICE);
    List<String> groups = new ArrayList<>(sliced ? List.of(EvalColumns.SLICE) : List.of());
    groups.add(EvalColumns.K);
    boolean variants = Arrays.asList(perUser.columns()).contains(EvalColumns.VARIANT);
    if (variants) {
      groups.add(0, EvalColumns.VARIANT);
    }
    Dataset<Row> base = TopLists.ksTable(perUser.sparkSession(), sortedKs);
    if (groups.size() > 1) {
      base = perUser.select(cols(groups.subList(0, groups.size() - 1))).distinct().crossJoin(base);
    }
    List<Column> means = METRICS.stream().map(m -> avg(col(m)).as(m)).toList();
    Dataset<Row> perK =
        perUser
            .groupBy(cols(groups))
            .agg(means.get(0), means.subList(1, means.size()).toArray(Column[]::new));
    List<String> out = new ArrayList<>(groups);
    out.add(out.size() - 1, EvalColumns.METRIC);
    out.add(EvalColumns.VALUE);
    return base.join(perK, groups.toArray(String[]::new), "left")
        .unpivot(cols(groups), cols(METRICS), EvalColumns.METRIC, EvalColumns.VALUE)
        .select(cols(out))
        .orderBy(cols(out.subList(0, out.size() - 1)));
  }

  private static Dataset<Row> perUser(
      Dataset<Row> recommendations, Dataset<Row> truth, int[] ks, List<String> userKeys) {
    int[] sortedKs = EvalParams.checkKs(ks);
    int maxK = sortedKs[sortedKs.length - 1];
    Dataset<Row> kTable = broadcast(TopLists.ksTable(truth.sparkSession(), sortedKs));
    List<String> relevantCols = new ArrayList<>(userKeys);
    relevantCols.add(Columns.ITEM_ID);
    Column notNull = lit(true);
    for (String c : relevantCols) {
      notNull = notNull.and(col(c).isNotNull());
    }
    Dataset<Row> relevant = truth.select(cols(relevantCols)).where(notNull).distinct();
    Dataset<Row> nRelevant = relevant.groupBy(cols(userKeys)).agg(count(lit(1)).as(EvalColumns.N_RELEVANT));
    List<String> groups = TopLists.groups(recommendations);
    if (!groups.isEmpty()) { // every variant is scored on every user with truth
      nRelevant = recommendations.select(cols(groups)).distinct().crossJoin(nRelevant);
      userKeys = TopLists.plus(groups, userKeys.toArray(String[]::new));
    }

    List<String> userK = new ArrayList<>(userKeys);
    userK.add(EvalColumns.K);
    Column pos = col(TopLists.POS);
    Dataset<Row> hitsAtK =
        TopLists.positions(recommendations, maxK)
            .join(relevant, new String[] {Columns.USER_ID, Columns.ITEM_ID})
            .withColumn(HIT_NO, row_number().over(Window.partitionBy(cols(userKeys)).orderBy(pos)))
            .join(kTable, pos.leq(col(EvalColumns.K)))
            .groupBy(cols(userK))
            .agg(
                count(lit(1)).as(HITS),
                sum(lit(1.0).divide(log2(pos.plus(1)))).as(DCG),
                sum(col(HIT_NO).divide(pos)).as(AP_SUM),
                min(pos).as(FIRST_HIT));

    Column hits = coalesce(col(HITS), lit(0L));
    Column n = col(EvalColumns.N_RELEVANT);
    List<Column> out = new ArrayList<>();
    out.addAll(Arrays.asList(cols(userK)));
    out.add(n);
    out.add(hits.divide(col(EvalColumns.K)).as(EvalColumns.PRECISION));
    out.add(hits.divide(n).as(EvalColumns.RECALL));
    out.add(coalesce(col(DCG), lit(0.0)).divide(col(IDCG)).as(EvalColumns.NDCG));
    out.add(coalesce(col(AP_SUM), lit(0.0)).divide(n).as(EvalColumns.MAP));
    out.add(when(hits.gt(0), lit(1.0)).otherwise(lit(0.0)).as(EvalColumns.HIT_RATE));
    out.add(coalesce(lit(1.0).divide(col(FIRST_HIT)), lit(0.0)).as(EvalColumns.MRR));
    return nRelevant
        .crossJoin(kTable)
        .join(hitsAtK, userK.toArray(String[]::new), "left")
        .withColumn(M, least(col(EvalColumns.K).cast(DataTypes.LongType), n).cast(DataTypes.IntegerType))
        .join(broadcast(TopLists.idealDcg(truth.sparkSession(), maxK, M, IDCG)), M)
        .select(out.toArray(Column[]::new));
  }

  private static Column[] cols(List<String> names) {
    return names.stream().map(functions::col).toArray(Column[]::new);
  }
}

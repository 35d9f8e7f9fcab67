package dev.nightjar.jobs.stages;

import static org.apache.spark.sql.functions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.RecommendSettings;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.models.candidates.CandidateInputs;
import dev.nightjar.models.candidates.CandidateParams;
import dev.nightjar.models.candidates.CandidatePool;
import dev.nightjar.models.candidates.ListParams;
import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.candidates.TrendingPopularity;
import dev.nightjar.models.lists.SparkListAssembler;
import dev.nightjar.transforms.Columns;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Night D's lists: pins the inputs, builds the {@link CandidatePool} (ALS, content, trending, repurchase,
 * co-occurrence and EASE candidates, rules applied; a source weighted 0 is not computed), assembles the
 * lists (blend, MMR, category cap, exploration, reasons) and writes {@code recommendations} (partition
 * {@code run_date = D}), reporting the pool's details and the rows per source.
 *
 * <pre>{@code
 * try (CandidatePool pool = RecommendStage.candidates(ctx, date, 100, Set.of("als", "content"), true, false, report)) {
 *   Dataset<Row> lists = pool.lists(RecommendStage.listParams(ctx.config().recommend()));
 * }
 * }</pre>
 */
public final class RecommendStage {
  private static final Logger LOG = LoggerFactory.getLogger(RecommendStage.class);
  public static final String NAME = "recommend";

  private RecommendStage() {}

  public static RunReport run(StageContext ctx, LocalDate date) {
    Lakehouse lake = ctx.lake();
    RunReport report = RunReport.of(NAME, date).detail(RunReport.CONFIG, ctx.config().describe());
    ctx.spark().sparkContext().setJobGroup(NAME, "nightjar recommend " + date, false);
    RecommendSettings s = ctx.config().recommend();
    String day = "run_date = DATE'" + date + "'";
    long known;
    try (CandidatePool pool = candidates(ctx, date, s.candidatesPerSource(), weighted(s), false, !s.exploreRanks().isEmpty(), report)) {
      ListParams params = listParams(s);
      lake.replaceWhere(Tables.RECOMMENDATIONS, pool.lists(params).unionByName(pool.newCustomerList(params)), day, Columns.RUN_DATE);
      report.detail(Columns.MODEL_VERSION, pool.modelVersion());
      known = pool.users().count();
    }
    Dataset<Row> written = lake.read(Tables.RECOMMENDATIONS).where(day);
    Dataset<Row> perUser = written.where(col(Columns.USER_ID).notEqual(lit(CandidatePool.NEW_CUSTOMER)))
        .groupBy(Columns.USER_ID).agg(count(lit(1)).as("rows"));
    Row counts = perUser.agg(coalesce(sum("rows"), lit(0L)), count(lit(1)), coalesce(sum(when(col("rows").lt(s.k()), 1).otherwise(0)), lit(0L))).head();
    long rows = counts.getLong(0);
    long listed = counts.getLong(1);
    long shortLists = counts.getLong(2);
    for (Row bySource : written.groupBy("source").count().collectAsList()) {
      report.detail("rows_" + bySource.getString(0), bySource.getLong(1));
    }
    LOG.info("Recommendations {}: {} rows for {} of {} known users, {} with fewer than k {} (exploration ranks {}); customers not known yet get the list of user '{}'",
        date, rows, listed, known, shortLists, s.k(), s.exploreRanks(), CandidatePool.NEW_CUSTOMER);
    if (listed < known) {
      LOG.warn("Recommendations {}: {} known users have no list (the fallback weight is {}: set nightjar.recommend.weight.fallback above 0)",
          date, known - listed, s.weights().getOrDefault(Source.FALLBACK.id(), 0.0));
    }
    return report.rowsIn(known).accepted(listed).detail("rows", rows).detail("users", listed).detail("users_known", known)
        .detail("users_short_list", shortLists).detail("k", s.k()).write(lake);
  }

  /**
   * Night D's candidate pool from the lakehouse of {@code ctx}: the inputs read at their current versions (recorded in
   * {@code report}), the pool built with {@link #poolParams} and its details recorded in {@code report}. The caller
   * closes it.
   *
   * @param perSource candidates per source and user
   * @param sources the source ids to compute
   * @param excludeSeen also leave out every item the user interacted with (the evaluation protocol)
   * @param explorePool also each user's best items by content in the largest categories, for exploration slots
   */
  public static CandidatePool candidates(StageContext ctx, LocalDate date, int perSource, Set<String> sources, boolean excludeSeen,
      boolean explorePool, RunReport report) {
    CandidateInputs in = read(ctx.lake(), report, date);
    // Trending and the fallback offer the same released popularity: noised once, when either is computed.
    TrendingPopularity popularity = sources.contains(Source.TRENDING.id()) || sources.contains(Source.FALLBACK.id())
        ? TrendingNoise.of(ctx, date, report) : TrendingNoise.off();
    CandidatePool pool = CandidatePool.build(in, poolParams(ctx.config(), date, perSource, sources, excludeSeen, explorePool, popularity));
    pool.details().forEach(report::detail);
    return pool;
  }

  /** The pool's params from the configuration: {@code nightjar.recommend.*} rules and trending, the interaction window, co-occurrence, EASE. */
  public static CandidateParams poolParams(NightjarConfig config, LocalDate date, int perSource, Set<String> sources, boolean excludeSeen,
      boolean explorePool, TrendingPopularity popularity) {
    RecommendSettings s = config.recommend();
    Set<Source> computed = EnumSet.noneOf(Source.class);
    sources.forEach(id -> computed.add(Source.of(id)));
    return new CandidateParams(date, computed, perSource, excludeSeen, explorePool, s.exploreCategories(), s.blocklist(), s.repurchaseDays(),
        new CandidateParams.Trending(s.trendingDays(), s.trendingHalfLifeDays(), s.candidatesPerSource(), popularity),
        config.interactions(), config.cooccurrence(), config.ease());
  }

  /** The list settings of {@code s}: its blend weights, k, MMR λ, category cap, exploration ranks, propensity samples and seed. */
  public static ListParams listParams(RecommendSettings s) {
    return new ListParams(s.weights(),
        new SparkListAssembler.Settings(s.k(), s.mmrLambda(), s.categoryCap(), s.exploreRanks(), s.propensitySamples(), s.seed()));
  }

  /** The sources these settings weight above 0. */
  private static Set<String> weighted(RecommendSettings s) {
    return s.weights().entrySet().stream().filter(e -> e.getValue() > 0).map(Map.Entry::getKey)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The pool's inputs, each read at its current version, recorded in the report. */
  private static CandidateInputs read(Lakehouse lake, RunReport report, LocalDate date) {
    String day = "run_date = DATE'" + date + "'";
    Dataset<Row> userFactors = pinned(lake, report, Tables.ALS_USER_FACTORS).where(day);
    List<Row> first = userFactors.select(Columns.MODEL_VERSION).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new IllegalStateException("no ALS factors for " + day + ": run `train` for that date first");
    }
    return new CandidateInputs(
        userFactors,
        pinned(lake, report, Tables.ALS_ITEM_FACTORS).where(day),
        pinned(lake, report, Tables.INTERACTIONS).where(day),
        pinned(lake, report, Tables.ITEMS),
        pinned(lake, report, Tables.EVENTS),
        pinned(lake, report, Tables.ITEM_EMBEDDINGS),
        pinned(lake, report, Tables.USER_PROFILES).where(day),
        pinned(lake, report, Tables.USER_INTERESTS).where(day),
        pinned(lake, report, Tables.USER_INDEX),
        pinned(lake, report, Tables.ITEM_INDEX),
        first.get(0).getString(0) + "+" + EmbedItemsStage.NAME);
  }

  private static Dataset<Row> pinned(Lakehouse lake, RunReport report, String table) {
    long version = lake.version(table);
    report.inputVersion(table, version);
    return lake.readAt(table, version);
  }
}

package dev.nightjar.jobs;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.reliability.Reproduce;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.Pipeline;
import dev.nightjar.jobs.stages.ProfilesStage;
import dev.nightjar.jobs.stages.RecommendStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.jobs.stages.TrainStage;
import dev.nightjar.jobs.stages.TrendingNoise;
import dev.nightjar.jobs.testing.SmallNight;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What holds for a night whatever the shop's size, checked on a copy of the shared small night
 * ({@link SmallNight}): a rerun and a re-import change nothing; reproduce rebuilds the night from the
 * versions it recorded after its inputs changed; the business rules hold before the cut to k; the analyst
 * summaries keep exactly the groups of at least k users; the run report states ε. (They ran on the planted
 * 600-user night of {@link PipelineEndToEndTest} until the suite was cut to size.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightInvariantsTest extends SparkTestBase {
  static final LocalDate D = SmallNight.D;
  static final String DAY = "run_date = DATE'" + D + "'";
  static final int K = 10; // nightjar.recommend.k of SmallNight.CONFIG
  static final List<String> OUTPUT_TABLES =
      List.of(Tables.EVENTS, Tables.QUARANTINE, Tables.ITEMS, Tables.ITEM_EMBEDDINGS, Tables.INTERACTIONS, Tables.USER_INDEX, Tables.ITEM_INDEX,
          Tables.ALS_USER_FACTORS, Tables.ALS_ITEM_FACTORS, Tables.USER_PROFILES, Tables.USER_INTERESTS, Tables.CATEGORY_PRIORS,
          Tables.SEGMENT_SUMMARY, Tables.CATEGORY_SUMMARY, Tables.RECOMMENDATIONS);

  static StageContext ctx;
  static List<RunReport> firstNight;

  @BeforeAll
  static void night() {
    ctx = new StageContext(spark(), SmallNight.copyTo(tempDir.resolve("lake")), SmallNight.config());
    firstNight = SmallNight.reports();
  }

  @Test
  @Order(1)
  void rerunningTheNightAndReimportingChangeNothing() {
    Map<String, List<String>> before = snapshot();
    RunReport reimport = ImportStage.importCsv(ctx, SmallNight.shop().eventsCsv(), SmallNight.shop().itemsCsv(),
        SmallNight.IMPORTED_AT.plusSeconds(3600));
    assertEquals("0", reimport.details().get("event_rows_new"), reimport.details().toString());
    assertEquals("0", reimport.details().get("item_rows_new"), reimport.details().toString());
    List<RunReport> rerun = Pipeline.nightly(ctx, D);
    assertEquals(Long.toString(SmallNight.SHOP.items()), firstNight.get(1).details().get("embedded"), "the first night embeds every item");
    assertEquals("0", rerun.get(1).details().get("embedded"), "an unchanged catalogue embeds nothing");
    Map<String, List<String>> after = snapshot();
    for (String table : OUTPUT_TABLES) {
      assertFalse(before.get(table).isEmpty(), table + " has rows");
      assertEquals(before.get(table).size(), after.get(table).size(), table + " row count");
      assertEquals(before.get(table), after.get(table), table + " rows");
    }
  }

  @Test
  @Order(2)
  void analystSummariesKeepExactlyTheGroupsOfAtLeastKUsers() {
    RunReport nightly = firstNight.get(3);
    assertEquals("profiles", nightly.stage());
    assertEquals(Integer.toString(dev.nightjar.jobs.config.PrivacySettings.DEFAULT_K_ANONYMITY), nightly.details().get(ProfilesStage.K_ANONYMITY));
    assertTrue(ctx.lake().read(Tables.CATEGORY_SUMMARY).where(DAY).count() > 0, "categories with enough users are summarised");

    // With k = the largest segment's size, that segment stays and every smaller one goes.
    Map<Integer, Long> sizes = segmentSizes(ctx.lake().read(Tables.USER_PROFILES).where(DAY));
    int k = (int) (long) java.util.Collections.max(sizes.values());
    Lakehouse experiment = ctx.lake().experiment("k-anonymity");
    RunReport profiles = ProfilesStage.run(new StageContext(spark(), experiment, SmallNight.config("nightjar.privacy.kAnonymity=" + k)), D);
    Map<Integer, Long> rebuilt = segmentSizes(experiment.read(Tables.USER_PROFILES).where(DAY));
    Map<Integer, Long> expectedKept = new TreeMap<>();
    rebuilt.forEach((segment, users) -> {
      if (users >= k) {
        expectedKept.put(segment, users);
      }
    });
    assertFalse(expectedKept.isEmpty());
    assertTrue(expectedKept.size() < rebuilt.size(), "some segment is smaller than k: " + rebuilt);
    Map<Integer, Long> kept = new TreeMap<>();
    for (Row r : experiment.read(Tables.SEGMENT_SUMMARY).where(DAY).select("segment", "users").collectAsList()) {
      kept.put(r.getInt(0), r.getLong(1));
    }
    assertEquals(expectedKept, kept, "segment_summary holds exactly the segments of at least k users, with their sizes");
    assertEquals(Long.toString(rebuilt.size() - expectedKept.size()), profiles.details().get(ProfilesStage.SEGMENTS_SUPPRESSED));
  }

  @Test
  @Order(2)
  void theRecommendRunReportStatesEpsilon() {
    assertEquals("off", firstNight.get(5).details().get(TrendingNoise.EPSILON), "exact popularity by default");
    assertNull(firstNight.get(5).details().get(TrendingNoise.SCALE));
    RunReport noisy = RecommendStage.run(new StageContext(spark(), ctx.lake().experiment("dp"), SmallNight.config("nightjar.privacy.epsilon=0.5")), D);
    assertEquals("0.5", noisy.details().get(TrendingNoise.EPSILON));
    double sensitivity = dev.nightjar.jobs.config.PrivacySettings.DEFAULT_TRENDING_ITEMS_PER_USER * dev.nightjar.jobs.config.PrivacySettings.DEFAULT_TRENDING_MAX_WEIGHT;
    assertEquals(Double.toString(sensitivity), noisy.details().get(TrendingNoise.SENSITIVITY));
    assertEquals(Double.toString(sensitivity / 0.5), noisy.details().get(TrendingNoise.SCALE));
    assertEquals(Integer.toString(dev.nightjar.jobs.config.PrivacySettings.DEFAULT_TRENDING_GRID), noisy.details().get(TrendingNoise.GRID));
  }

  @Test
  @Order(3)
  void reproduceRebuildsTheNightFromTheRecordedVersionsAfterItsInputsChanged() {
    Lakehouse lake = ctx.lake();
    List<String> stored = sortedRows(lake.read(Tables.RECOMMENDATIONS).where(DAY));
    Map<String, Long> recorded = Reproduce.recordedVersions(lake, RecommendStage.NAME, D);
    // Later writes change recommend's inputs: D's model retrained with another seed.
    TrainStage.run(new StageContext(spark(), lake, SmallNight.config("nightjar.als.seed=7")), D);
    assertTrue(lake.version(Tables.ALS_USER_FACTORS) > recorded.get(Tables.ALS_USER_FACTORS));
    Lakehouse current = lake.experiment("current-inputs");
    RecommendStage.run(new StageContext(spark(), current, ctx.config()), D);
    assertNotEquals(stored, sortedRows(current.read(Tables.RECOMMENDATIONS).where(DAY)), "the current inputs give other lists");

    Reproduce.Result r = Reproduce.run(ctx, D, RecommendStage.NAME);
    assertEquals(recorded, r.versions());
    assertTrue(r.matches(), r.toString());
    assertEquals(List.of(), r.configDifferences(), "the rebuild ran with the night's recorded settings");
    assertTrue(firstNight.get(5).details().get(RunReport.CONFIG).contains("als=AlsParams[rank=8"),
        "recommend records the settings it ran with: " + firstNight.get(5).details().get(RunReport.CONFIG));
    assertEquals(stored.size(), r.rebuiltRows());
    assertEquals(stored, sortedRows(lake.experiment(Reproduce.experimentName(D)).read(Tables.RECOMMENDATIONS).where(DAY)),
        "the rebuilt lists equal the stored ones row for row");
    assertEquals(stored, sortedRows(lake.read(Tables.RECOMMENDATIONS).where(DAY)), "production's lists were only read");
  }

  /**
   * The business rules hold in the written lists, and they apply before the cut to k: with a tight
   * category cap and the most recommended item blocklisted, every list is still full.
   */
  @Test
  @Order(4) // after reproduce, which compares with the night's own lists: this one rewrites them with strict rules
  void rulesHoldBeforeTheCutAndListsStayFull() {
    Lakehouse lake = ctx.lake();
    Dataset<Row> unavailable = lake.read(Tables.ITEMS).where("NOT available").select("item_id");
    long unavailableWithInteractions = unavailable.join(lake.read(Tables.INTERACTIONS), "item_id").select("item_id").distinct().count();
    assertTrue(unavailableWithInteractions > 0, "the shop has unavailable items users interacted with, which sources could propose");
    assertEquals(0, lake.read(Tables.RECOMMENDATIONS).where(DAY).join(unavailable, "item_id").count(), "no unavailable item is recommended");
    assertEquals(0, lake.read(Tables.RECOMMENDATIONS).where(DAY)
        .join(lake.read(Tables.INTERACTIONS).where("purchases > 0"), new String[] {"user_id", "item_id"}).count(),
        "no purchased item is recommended");

    String top = lake.read(Tables.RECOMMENDATIONS).where(DAY).groupBy("item_id").count()
        .orderBy(col("count").desc(), col("item_id")).head().getString(0);
    int cap = 3;
    StageContext strict = new StageContext(spark(), lake, SmallNight.config(
        "nightjar.recommend.exploreRanks=", "nightjar.recommend.categoryCap=" + cap, "nightjar.recommend.blocklist=" + top));
    RecommendStage.run(strict, D);
    Dataset<Row> lists = lake.read(Tables.RECOMMENDATIONS).where(DAY);
    assertEquals(0, lists.where("item_id = '" + top + "'").count(), "the blocklisted item " + top + " is gone");
    assertEquals(0, lists.join(unavailable, "item_id").count());
    assertEquals(0, lists.join(lake.read(Tables.INTERACTIONS).where("purchases > 0"), new String[] {"user_id", "item_id"}).count());
    long overCap = lists.join(lake.read(Tables.ITEMS).select("item_id", "category"), "item_id")
        .groupBy("user_id", "category").count().where("count > " + cap).count();
    assertEquals(0, overCap, "no user has more than " + cap + " items of one category");
    long users = lists.select("user_id").distinct().count();
    assertTrue(users > 100, "lists for most of the 150 shoppers: " + users);
    assertEquals(users * K, lists.count(), "every list is still full (k = " + K + "): the rules cut before the list is");
  }

  private static Map<Integer, Long> segmentSizes(Dataset<Row> profiles) {
    Map<Integer, Long> sizes = new TreeMap<>();
    for (Row r : profiles.groupBy("segment").count().collectAsList()) {
      sizes.put(r.getInt(0), r.getLong(1));
    }
    return sizes;
  }

  private static Map<String, List<String>> snapshot() {
    Map<String, List<String>> rows = new LinkedHashMap<>();
    for (String table : OUTPUT_TABLES) {
      rows.put(table, sortedRows(ctx.lake().read(table)));
    }
    return rows;
  }
}

package dev.nightjar.jobs.stages;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * The cheap half of tuning: the seeded search plan, the tune settings' validation, the overlay of tuned
 * parameters, which chosen row a night applies, and the weekly skip — on hand-written {@code model_params}
 * rows, without training anything.
 */
class TunedParamsTest extends SparkTestBase {
  static final LocalDate D = LocalDate.of(2026, 10, 31);

  @Test
  void theSameSeedGivesTheSamePlanAndTheConfiguredSettingsComeFirst() {
    NightjarConfig c = NightjarConfig.load(null, List.of("nightjar.tune.seed=7", "nightjar.tune.modelTrials=4", "nightjar.tune.listTrials=10"));
    TuneSearch.Plan a = TuneSearch.plan(c);
    assertEquals(a, TuneSearch.plan(NightjarConfig.load(null, List.of("nightjar.tune.seed=7", "nightjar.tune.modelTrials=4",
        "nightjar.tune.listTrials=10"))));
    assertNotEquals(a, TuneSearch.plan(NightjarConfig.load(null, List.of("nightjar.tune.seed=8", "nightjar.tune.modelTrials=4",
        "nightjar.tune.listTrials=10"))));
    assertEquals(4, a.models().size());
    assertEquals(10, a.lists().size());
    assertEquals("32", a.models().get(0).get(TunedParams.ALS_RANK), "model trial 0 is the configured ALS");
    assertEquals("0.5", a.lists().get(0).get(TunedParams.WEIGHT_PREFIX + "als"), "list trial 0 is the configured blend");
    assertEquals(a.models().size(), a.models().stream().distinct().count());
    assertEquals(a.lists().size(), a.lists().stream().distinct().count());
    // Fewer trials: a prefix of the same plan (models and lists draw from separate streams).
    TuneSearch.Plan small = TuneSearch.plan(NightjarConfig.load(null, List.of("nightjar.tune.seed=7", "nightjar.tune.modelTrials=1",
        "nightjar.tune.listTrials=3")));
    assertEquals(a.models().subList(0, 1), small.models());
    assertEquals(a.lists().subList(0, 3), small.lists());
    for (Map<String, String> l : a.lists()) {
      assertTrue(l.entrySet().stream().anyMatch(e -> e.getKey().startsWith(TunedParams.WEIGHT_PREFIX) && Double.parseDouble(e.getValue()) > 0), l.toString());
    }
  }

  @Test
  void badTuneSettingsNameTheKeyAndWhatIsAllowed() {
    ConfigException metric = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.tune.metric=auc@10")));
    assertTrue(metric.getMessage().contains("nightjar.tune.metric") && metric.getMessage().contains("ndcg"), metric.getMessage());
    ConfigException rank = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.tune.space.als.rank=16,x")));
    assertTrue(rank.getMessage().contains("nightjar.tune.space.als.rank") && rank.getMessage().contains("'x'"), rank.getMessage());
    ConfigException use = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.tune.use=sometimes")));
    assertTrue(use.getMessage().contains("[latest, off]"), use.getMessage());
    assertTrue(NightjarConfig.describeKeys().containsKey("nightjar.tune.space.weight.ease"));
  }

  @Test
  void theOverlayChangesOnlyTheTunedKeys() {
    NightjarConfig base = NightjarConfig.defaults();
    NightjarConfig tuned = TunedParams.overlay(base, Map.of(TunedParams.ALS_RANK, "64", TunedParams.EASE_LAMBDA, "50.0",
        TunedParams.WEIGHT_PREFIX + "content", "0.0", TunedParams.MMR_LAMBDA, "1.0"));
    assertEquals(64, tuned.als().rank());
    assertEquals(base.als().regParam(), tuned.als().regParam());
    assertEquals(50.0, tuned.ease().lambda());
    assertEquals(0.0, tuned.recommend().weights().get("content"));
    assertEquals(base.recommend().weights().get("als"), tuned.recommend().weights().get("als"));
    assertEquals(1.0, tuned.recommend().mmrLambda());
    assertEquals(base.recommend().k(), tuned.recommend().k());
    assertEquals(base.evaluate(), tuned.evaluate());
    assertEquals(base, TunedParams.overlay(base, TunedParams.of(base)));
    assertThrows(IllegalArgumentException.class, () -> TunedParams.overlay(base, Map.of("nightjar.recommend.k", "5")));
  }

  @Test
  void nightsApplyTheLatestChosenParametersUpToDAndTuneSkipsUntilDue() {
    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("lake"));
    List<Row> rows = new ArrayList<>();
    rows.add(row(D.minusDays(10), TuneStage.SCOPE_NIGHTLY, 0, "16", true));
    rows.add(row(D.minusDays(3), TuneStage.SCOPE_NIGHTLY, 0, "24", false));
    rows.add(row(D.minusDays(3), TuneStage.SCOPE_NIGHTLY, 1, "48", true));
    rows.add(row(D.minusDays(1), "evaluate-temporal", 0, "8", true)); // evaluation's tuning: never applied to nights
    rows.add(row(D.plusDays(2), TuneStage.SCOPE_NIGHTLY, 0, "96", true)); // after D: not applied to D
    lake.replaceWhere(Tables.MODEL_PARAMS, spark().createDataFrame(rows, TuneStage.SCHEMA), "true", "run_date");
    StageContext ctx = new StageContext(spark(), lake, NightjarConfig.defaults());

    StageContext night = StageContext.forNight(ctx, D);
    assertEquals(48, night.config().als().rank());
    assertEquals(D.minusDays(3), night.tuned().orElseThrow().tunedOn());
    assertEquals(32, night.configured().als().rank(), "the configuration as given stays in the night's context");
    assertEquals(16, StageContext.forNight(ctx, D.minusDays(5)).config().als().rank());
    assertEquals(32, night.asConfigured().config().als().rank());
    assertTrue(night.asConfigured().tuned().isEmpty());
    assertEquals(List.of(TrainStage.NAME, RecommendStage.NAME),
        Stages.names(Stages.ALL.stream().filter(stage -> TunedParams.TUNED_STAGES.contains(stage.name())).toList()),
        "only train and recommend are tuned");
    StageContext off = new StageContext(spark(), lake, NightjarConfig.load(null, List.of("nightjar.tune.use=off")));
    assertSame(off, StageContext.forNight(off, D));
    StageContext experiment = new StageContext(spark(), lake.experiment("x"), NightjarConfig.defaults());
    assertSame(experiment, StageContext.forNight(experiment, D), "workspaces set their own");

    RunReport skipped = TuneStage.run(ctx, D);
    assertEquals(TuneStage.STATUS_SKIPPED, skipped.status());
    assertEquals(D.plusDays(4).toString(), skipped.details().get("next_due"));
  }

  private static Row row(LocalDate runDate, String scope, int trial, String rank, boolean chosen) {
    return RowFactory.create(Date.valueOf(runDate), scope, "temporal:3d", trial, 0,
        scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(Map.of(TunedParams.ALS_RANK, rank))),
        "ndcg@10", 0.1, scala.collection.immutable.Map.from(scala.jdk.javaapi.CollectionConverters.asScala(Map.of("ndcg@10", 0.1))),
        0.1, 1.0, chosen, 42L, Date.valueOf(runDate.minusDays(3)), 10L);
  }
}

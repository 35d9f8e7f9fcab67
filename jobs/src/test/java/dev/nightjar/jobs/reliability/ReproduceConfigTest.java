package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.stages.RecommendStage;
import dev.nightjar.jobs.stages.TunedParams;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The settings a stage records, how reproduce names the ones a rebuild ran with differently, and that it rebuilds
 * with the tuned parameters the night recorded.
 */
class ReproduceConfigTest extends SparkTestBase {
  @Test
  void describeListsEverySettingsGroupButSparkAndDifferencesNameTheGroup() {
    NightjarConfig night = NightjarConfig.load(null, List.of("nightjar.als.rank=16", "spark.hadoop.fs.s3a.secret.key=hunter2"));
    String described = night.describe();
    assertTrue(described.contains("als=AlsParams[rank=16,"), described);
    assertTrue(described.lines().anyMatch(l -> l.startsWith("recommend=")) && described.lines().anyMatch(l -> l.startsWith("privacy=")), described);
    assertFalse(described.contains("hunter2") || described.contains("spark="), "spark settings (credentials) are not recorded");

    assertEquals(List.of(), Reproduce.configDifferences(described, NightjarConfig.load(null, List.of("nightjar.als.rank=16")).describe()));
    List<String> differences =
        Reproduce.configDifferences(described, NightjarConfig.load(null, List.of("nightjar.als.rank=32")).describe());
    assertEquals(1, differences.size(), differences.toString());
    assertTrue(differences.get(0).startsWith("als: night AlsParams[rank=16,") && differences.get(0).contains("/ rebuild AlsParams[rank=32,"),
        differences.get(0));
    assertEquals(List.of(), Reproduce.configDifferences(null, described), "a night that recorded no settings is not judged");
  }

  @Test
  void reproduceRebuildsWithTheTunedParametersTheNightRecordedNotTheConfiguredOnes() {
    Map<String, String> applied = Map.of(TunedParams.ALS_RANK, "64", TunedParams.WEIGHT_PREFIX + "ease", "2.0", TunedParams.MMR_LAMBDA, "0.9");
    assertEquals(applied, TunedParams.parseRecorded(TunedParams.recorded(applied)));
    assertThrows(IllegalArgumentException.class, () -> TunedParams.parseRecorded("rank 64"));

    Lakehouse lake = new Lakehouse(spark(), tempDir.resolve("reproduce-tuned"));
    LocalDate tunedNight = LocalDate.of(2026, 10, 31);
    LocalDate plainNight = LocalDate.of(2026, 11, 1);
    RunReport.of(RecommendStage.NAME, tunedNight).detail(TunedParams.RECORDED_FROM, LocalDate.of(2026, 10, 24))
        .detail(TunedParams.RECORDED_PARAMS, TunedParams.recorded(applied)).write(lake);
    RunReport.of(RecommendStage.NAME, plainNight).write(lake);
    NightjarConfig configured = NightjarConfig.defaults();

    NightjarConfig rebuild = Reproduce.nightConfig(Reproduce.recordedDetails(lake, RecommendStage.NAME, tunedNight), configured);
    assertEquals(64, rebuild.als().rank());
    assertEquals(2.0, rebuild.recommend().weights().get("ease"));
    assertEquals(0.9, rebuild.recommend().mmrLambda());
    assertEquals(configured.recommend().k(), rebuild.recommend().k(), "only tuned keys change");
    assertNotEquals(configured.als().rank(), rebuild.als().rank());
    assertSame(configured, Reproduce.nightConfig(Reproduce.recordedDetails(lake, RecommendStage.NAME, plainNight), configured), "a night that applied no tuning");
  }
}

package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.NightjarConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The settings a stage records, and how reproduce names the ones a rebuild ran with differently. */
class ReproduceConfigTest {
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
}

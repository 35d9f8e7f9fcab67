package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.NightjarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {
  @TempDir Path dir;

  static Path repo() {
    Path here = Path.of("").toAbsolutePath();
    return Files.isDirectory(here.resolve("conf")) ? here : here.getParent();
  }

  @Test
  void shippedConfigFilesLoadWithoutUnknownKeys() {
    for (String name : List.of("local.properties", "cluster.properties")) {
      NightjarConfig config = NightjarConfig.load(repo().resolve("conf").resolve(name), List.of());
      assertEquals(50, config.recommend().k(), name);
      assertFalse(config.spark().isEmpty(), name + " has spark settings");
    }
  }

  @Test
  void unknownKeyIsNamedWithTheKnownKeys() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "nightjar.als.rnak=64\n");
    ConfigException e = assertThrows(ConfigException.class, () -> NightjarConfig.load(file, List.of()));
    assertTrue(e.getMessage().contains("nightjar.als.rnak"), e.getMessage());
    assertTrue(e.getMessage().contains("nightjar.als.rank: an integer in 1..1024 (default 32)"), e.getMessage());
  }

  @Test
  void invalidValueNamesKeyAndAllowedValues() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.recommend.k=0")));
    assertEquals("nightjar.recommend.k = '0' is not allowed: expected an integer in 1..10000", e.getMessage());
    ConfigException notNumber =
        assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.interactions.halfLifeDays=week")));
    assertTrue(notNumber.getMessage().startsWith("nightjar.interactions.halfLifeDays = 'week' is not allowed: expected a number"));
  }

  @Test
  void keysOutsideBothNamespacesAreRejected() {
    ConfigException e = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("als.rank=3")));
    assertTrue(e.getMessage().contains("'als.rank'"), e.getMessage());
  }

  @Test
  void overridesWinOverTheFileAndZeroWeightDropsAnEventType() throws Exception {
    Path file = dir.resolve("ok.properties");
    Files.writeString(file, "nightjar.als.rank=8\nspark.sql.shuffle.partitions=3\n");
    NightjarConfig config =
        NightjarConfig.load(file, List.of("nightjar.als.rank=12", "nightjar.interactions.weight.view=0"));
    assertEquals(12, config.als().rank());
    assertEquals("3", config.spark().get("spark.sql.shuffle.partitions"));
    assertFalse(config.interactions().eventWeights().containsKey("view"));
    assertEquals(5.0, config.interactions().eventWeights().get("purchase"));
  }
}

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
  void gpuSparkSettingsLoadAsNightjarConfigAndNameThePluginResourcesAndDiscoveryScript() throws Exception {
    Path file = repo().resolve("conf").resolve("spark-gpu.properties");
    NightjarConfig config = NightjarConfig.load(file, List.of());
    java.util.Map<String, String> spark = config.spark();
    assertEquals("com.nvidia.spark.SQLPlugin", spark.get("spark.plugins"));
    assertEquals("1", spark.get("spark.executor.resource.gpu.amount"));
    assertEquals(1.0 / Integer.parseInt(spark.get("spark.executor.cores")),
        Double.parseDouble(spark.get("spark.task.resource.gpu.amount")), 1e-9, "one GPU shared by every task slot");
    assertTrue(Integer.parseInt(spark.get("spark.rapids.sql.concurrentGpuTasks")) >= 1);
    assertTrue(spark.get("spark.rapids.memory.pinnedPool.size").matches("[0-9]+[gm]"));
    assertTrue(spark.get("spark.executor.resource.gpu.discoveryScript").endsWith("getGpusResources.sh"));
    java.util.Properties raw = new java.util.Properties();
    try (var in = Files.newInputStream(file)) {
      raw.load(in);
    }
    assertEquals(raw.size(), spark.size(), "only spark.* keys, so spark-submit --properties-file takes all of it");
    for (String value : spark.values()) {
      assertFalse(value.contains("#"), "no trailing comments in values: " + value);
    }
  }

  @Test
  void gpuDiscoveryScriptPrintsSparkResourceJson() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path fake = bin.resolve("nvidia-smi");
    Files.writeString(fake, "#!/bin/sh\nprintf '0\\n1\\n'\n");
    assertTrue(fake.toFile().setExecutable(true));
    ProcessBuilder pb = new ProcessBuilder("bash", repo().resolve("conf/getGpusResources.sh").toString());
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = pb.redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    assertEquals(0, p.waitFor(), out);
    assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\"]}", out);
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

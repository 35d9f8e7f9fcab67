package dev.nightjar.jobs.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.CliTest;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where each setting came from (default, file, --set): in the unknown-key error, with the nearest keys, and in {@code config}. */
class ConfigSourcesTest {
  @TempDir Path dir;

  @Test
  void nearestNamesAreTheCloseOnesNearestFirst() {
    List<String> keys = List.of("nightjar.als.rank", "nightjar.als.seed", "nightjar.als.alpha", "nightjar.recommend.k");
    assertEquals(List.of("nightjar.als.rank"), Suggestions.nearest("nightjar.als.rnak", keys), "a swap is one edit");
    assertEquals(List.of(), Suggestions.nearest("nightjar.weather", keys));
    // nearest first, ties alphabetical, at most three
    assertEquals(List.of("rank", "rack", "rans"), Suggestions.nearest("rnak", List.of("rink", "rans", "rack", "rank", "door")));
    assertEquals(3, Suggestions.distance("kitten", "sitting"));
  }

  @Test
  void anUnknownKeyNamesItsSourceAndTheNearestKeysOnly() throws Exception {
    ConfigException set = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.als.rnak=64")));
    assertEquals("unknown config key nightjar.als.rnak (in --set): did you mean\n"
        + "  nightjar.als.rank: an integer in 1..1024 (default 32)\n"
        + "`nightjar config` lists every key.", set.getMessage());

    Path file = dir.resolve("night.properties");
    Files.writeString(file, "nightjar.als.rnak=64\nnightjar.weather=sunny\n");
    ConfigException inFile = assertThrows(ConfigException.class, () -> NightjarConfig.load(file, List.of()));
    assertEquals("unknown config key nightjar.als.rnak (in " + file + "): did you mean\n"
        + "  nightjar.als.rank: an integer in 1..1024 (default 32)\n"
        + "unknown config key nightjar.weather (in " + file + "): no known key is close\n"
        + "`nightjar config` lists every key.", inFile.getMessage());

    ConfigException outside = assertThrows(ConfigException.class, () -> NightjarConfig.load(file, List.of("als.rank=3")));
    assertTrue(outside.getMessage().startsWith("unknown config key 'als.rank' in --set:"), outside.getMessage());
  }

  @Test
  void eachSettingKnowsItsEffectiveValueAndSource() throws Exception {
    Path file = dir.resolve("night.properties");
    Files.writeString(file, "nightjar.als.rank=48\nnightjar.recommend.k=20\n");
    ConfigReader r = ConfigReader.load(file, List.of("nightjar.als.rank=64"));
    r.readAll();
    assertEquals(new ConfigReader.Setting("64", ConfigReader.SET), r.setting(ConfigKeys.Als.RANK), "--set wins over the file");
    assertEquals(new ConfigReader.Setting("20", file.toString()), r.setting(ConfigKeys.Recommend.K));
    assertEquals(new ConfigReader.Setting("10", ConfigReader.DEFAULT), r.setting(ConfigKeys.Als.MAX_ITER));
  }

  @Test
  void configPrintsEveryKeysEffectiveValueAndWhereItCameFrom() throws Exception {
    Path file = dir.resolve("night.properties");
    Files.writeString(file, "nightjar.recommend.k=20\n");
    PrintStream stdout = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8)); // the command's table goes to System.out
    CliTest.Run run;
    try {
      run = CliTest.run("config", "--conf", file.toString(), "--set", "nightjar.als.rank=64");
    } finally {
      System.setOut(stdout);
    }
    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertTrue(lines.get(0).matches("key +value +from +default +allowed +meaning"), lines.get(0));
    assertTrue(lines.stream().anyMatch(l -> l.matches("nightjar\\.als\\.rank +64 +--set +32 +an integer in 1\\.\\.1024 .*")), String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.matches("nightjar\\.recommend\\.k +20 +" + java.util.regex.Pattern.quote(file.toString()) + " +50 .*")),
        String.join("\n", lines));
    assertTrue(lines.stream().anyMatch(l -> l.matches("nightjar\\.als\\.maxIter +10 +default +10 .*")), String.join("\n", lines));
  }
}

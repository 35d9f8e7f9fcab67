package dev.nightjar.jobs.reliability;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.Nightjar;
import dev.nightjar.jobs.CliTest;
import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.NightjarConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forget and retention commands and their config keys, plus the CLI and config error paths that
 * {@code CliTest}/{@code ConfigTest} leave open: every error names what is wrong and what is allowed,
 * before any Spark session starts.
 */
class ReliabilityCliTest {
  static CliTest.Run run(String... args) {
    return CliTest.run(args);
  }

  @TempDir Path dir;

  @Test
  void forgetWithoutUsersOrWithAnUnknownOptionPrintsUsage() {
    CliTest.Run missing = run("forget");
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("Missing required option: '--users=FILE'"), missing.err());
    assertTrue(missing.err().contains("Usage: nightjar forget"), missing.err());

    CliTest.Run unknown = run("retention", "--date", "2026-10-31", "--days", "400");
    assertEquals(2, unknown.exitCode());
    assertTrue(unknown.err().contains("Unknown options: '--days', '400'"), unknown.err());
    assertTrue(unknown.err().contains("Usage: nightjar retention"), unknown.err());
  }

  @Test
  void forgetReadsOneIdPerLineAndRefusesAnEmptyFileBeforeStartingSpark() throws Exception {
    Path ids = dir.resolve("ids.txt");
    Files.writeString(ids, " U001 \n\nU002\r\n");
    assertEquals(List.of("U001", "U002"), ForgetCommand.readIds(ids));

    Path empty = dir.resolve("empty.txt");
    Files.writeString(empty, "\n  \n");
    CliTest.Run r = run("forget", "--users", empty.toString(), "--lakehouse", dir.resolve("lake").toString());
    assertEquals(2, r.exitCode());
    assertEquals("nightjar forget: --users " + empty + " holds no user ids (one raw user id per line)", r.err().strip());
    assertFalse(Files.exists(dir.resolve("lake")), "nothing was created");
  }

  @Test
  void retentionKeysNameTheirAllowedValues() {
    ConfigException hours = assertThrows(ConfigException.class,
        () -> NightjarConfig.load(null, List.of("nightjar.privacy.vacuumRetentionHours=-1")));
    assertEquals("nightjar.privacy.vacuumRetentionHours = '-1' is not allowed: expected an integer in 0..87600", hours.getMessage());
    ConfigException days = assertThrows(ConfigException.class,
        () -> NightjarConfig.load(null, List.of("nightjar.privacy.rawRetentionDays=a year")));
    assertEquals("nightjar.privacy.rawRetentionDays = 'a year' is not allowed: expected an integer in 1..36500", days.getMessage());
    NightjarConfig defaults = NightjarConfig.defaults();
    assertEquals(400, defaults.retention().rawRetentionDays());
    assertEquals(168, defaults.retention().vacuumRetentionHours());
  }

  @Test
  void aConfigErrorThroughTheCliNamesTheKeyAndFailsBeforeSpark() {
    CliTest.Run bad = run("ingest", "--date", "2026-10-31", "--lakehouse", dir.resolve("lake").toString(),
        "--set", "nightjar.embedding.device=tpu");
    assertEquals(2, bad.exitCode());
    assertEquals("nightjar ingest: nightjar.embedding.device = 'tpu' is not allowed: expected one of [auto, cpu, gpu]",
        bad.err().strip());
    assertFalse(Files.exists(dir.resolve("lake")), "no session, no lakehouse");

    CliTest.Run typo = run("config", "--set", "nightjar.privacy.rawRetentionDay=30");
    assertEquals(2, typo.exitCode());
    assertTrue(typo.err().startsWith("nightjar config: unknown config key nightjar.privacy.rawRetentionDay (in --set): did you mean"), typo.err());
    assertTrue(typo.err().contains("nightjar.privacy.rawRetentionDays: an integer in 1..36500 (default 400)"), typo.err());
  }

  @Test
  void malformedOverridesAndMissingConfigFilesAreNamed() {
    ConfigException noEquals = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.als.rank")));
    assertEquals("--set takes key=value, got 'nightjar.als.rank'", noEquals.getMessage());
    Path missing = dir.resolve("nope.properties");
    ConfigException noFile = assertThrows(ConfigException.class, () -> NightjarConfig.load(missing, List.of()));
    assertEquals("config file " + missing + " does not exist (given with --conf)", noFile.getMessage());
  }

  @Test
  void aMisspelledCommandSuggestsTheRightOneWithUsage() {
    CliTest.Run r = run("forgett", "--users", "ids.txt");
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("nightjar: Unmatched arguments from index 0: 'forgett'"), r.err());
    assertTrue(r.err().contains("Did you mean: nightjar forget or"), r.err());
    assertTrue(r.err().contains("Usage: nightjar [-hV] [COMMAND]"), r.err());
  }
}

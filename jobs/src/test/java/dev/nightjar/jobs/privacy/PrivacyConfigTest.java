package dev.nightjar.jobs.privacy;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.config.ConfigException;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.config.PrivacySettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code nightjar.privacy.*} settings of the stages, and the session's redaction of the key. */
class PrivacyConfigTest {
  @Test
  void defaultsAreExactCountsKOfTenAndNoKeyFile() {
    PrivacySettings p = NightjarConfig.defaults().privacy();
    assertFalse(p.trendingNoise().enabled());
    assertEquals("off", p.epsilonText());
    assertEquals(10, p.kAnonymity());
    assertEquals(Optional.empty(), p.pseudonymKeyFile());
  }

  @Test
  void epsilonSetsLaplaceWithTheUserLevelSensitivity() {
    PrivacySettings p = NightjarConfig.load(null, List.of("nightjar.privacy.epsilon=0.5", "nightjar.privacy.trendingItemsPerUser=4",
        "nightjar.privacy.trendingMaxWeight=2.5", "nightjar.privacy.pseudonymKeyFile=/run/secrets/nightjar-key")).privacy();
    assertEquals("0.5", p.epsilonText());
    assertEquals(250, p.trendingMaxUnits(), "2.5 in hundredths, the default grid");
    assertEquals(1000.0, p.trendingNoise().sensitivity(), 1e-12, "items per user × max weight, in grid units");
    assertEquals(2000.0, p.trendingNoise().scale(), 1e-12, "Δ / ε");
    assertEquals(Optional.of(Path.of("/run/secrets/nightjar-key")), p.pseudonymKeyFile());
  }

  @Test
  void theGridSetsTheUnitsAndMustResolveTheClip() {
    PrivacySettings p = NightjarConfig.load(null, List.of("nightjar.privacy.epsilon=1", "nightjar.privacy.trendingGrid=4",
        "nightjar.privacy.trendingMaxWeight=1.3")).privacy();
    assertEquals(5, p.trendingMaxUnits(), "1.3 rounds to 5 quarters");
    assertEquals(20 * 5.0, p.trendingNoise().sensitivity(), 1e-12);
    ConfigException e = assertThrows(ConfigException.class, () -> NightjarConfig.load(null,
        List.of("nightjar.privacy.trendingGrid=1", "nightjar.privacy.trendingMaxWeight=0.4")));
    assertTrue(e.getMessage().contains("rounds to 0 units"), e.getMessage());
    assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.privacy.trendingGrid=0")));
  }

  @Test
  void zeroOrNegativeEpsilonIsRefusedNotReadAsOff() {
    for (String bad : List.of("0", "-1", "none")) {
      ConfigException e = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.privacy.epsilon=" + bad)));
      assertTrue(e.getMessage().startsWith("nightjar.privacy.epsilon = '" + bad + "' is not allowed"), e.getMessage());
    }
    assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.privacy.kAnonymity=0")));
  }

  @Test
  void sessionsRedactThePaddedKeyAndKeepAConfiguredRegex() {
    String key = "0x" + "ab".repeat(64);
    assertTrue(Pattern.compile(Sessions.redactionRegex(null)).matcher("Literal " + key).find());
    String combined = Sessions.redactionRegex("secret_[0-9]+");
    assertTrue(Pattern.compile(combined).matcher("x " + key.toUpperCase().replace("0X", "0x")).find());
    assertTrue(Pattern.compile(combined).matcher("secret_42").find());
    assertTrue(Sessions.embedded(Map.of()), "no master anywhere: local[*]");
    assertFalse(Sessions.embedded(Map.of("spark.master", "yarn")));
  }
}

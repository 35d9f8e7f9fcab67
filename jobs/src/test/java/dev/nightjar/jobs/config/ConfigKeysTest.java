package dev.nightjar.jobs.config;

import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.jobs.stages.TunedParams;
import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.cf.AlsParams;
import dev.nightjar.models.lists.ListAssembler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The keys {@code config} lists, the keys the reader reads and the defaults agree; the withers change one thing. */
class ConfigKeysTest {
  private static Path localProperties() {
    Path here = Path.of("").toAbsolutePath();
    return (Files.isDirectory(here.resolve("conf")) ? here : here.getParent()).resolve("conf/local.properties");
  }

  @Test
  void theReaderReadsExactlyTheListedKeysAndConfigListsEachWithItsDefault() {
    ConfigReader r = ConfigReader.load(null, List.of());
    r.read();
    List<String> listed = ConfigKeys.all().stream().map(ConfigKey::name).toList();
    assertEquals(listed, List.copyOf(r.keysRead().keySet()), "every listed key is read, every read key is listed");
    assertEquals(listed.size(), listed.stream().distinct().count());
    Map<String, String> described = NightjarConfig.describeKeys();
    assertEquals(listed, List.copyOf(described.keySet()));
    for (ConfigKey<?> key : ConfigKeys.all()) {
      assertSame(key, r.keysRead().get(key.name()), "the reader reads the declared key object " + key);
      assertEquals(key.defaultValue(), key.parse(key.defaultText()), key.name());
      assertTrue(described.get(key.name()).startsWith(key.allowed() + " (default "), described.get(key.name()));
      assertFalse(key.doc().isBlank(), key.name() + " has a meaning");
    }
    assertEquals("an integer in 1..1024 (default 32)", described.get("nightjar.als.rank"));
    assertEquals("a number in [0.0, 1.0] (default 0.9)", described.get("nightjar.recommend.mmrLambda"));
  }

  @Test
  void settingEveryKeyToItsListedDefaultGivesTheDefaults() {
    List<String> overrides = ConfigKeys.all().stream().map(k -> k.name() + "=" + k.defaultText()).toList();
    assertEquals(NightjarConfig.defaults(), NightjarConfig.load(null, overrides));
    // and a listed default is not decoration: another value changes the settings
    assertNotEquals(NightjarConfig.defaults(), NightjarConfig.load(null, List.of("nightjar.recommend.weight.ease=0.5")));
  }

  @Test
  void oneSetOfDefaultsSourcesListAssemblerAndTheConfig() {
    NightjarConfig defaults = NightjarConfig.defaults();
    RecommendSettings recommend = defaults.recommend();
    assertEquals(RecommendSettings.defaults(), recommend);
    assertEquals(Source.ids(), List.of("als", "content", "trending", "repurchase", "cooccurrence", "ease", "fallback"));
    assertEquals(Map.of("als", 0.5, "content", 0.2, "trending", 0.1, "repurchase", 0.6, "cooccurrence", 0.5, "ease", 1.0, "fallback", 0.01),
        recommend.weights(), "the production blend weights");
    for (Source s : Source.values()) {
      assertEquals(s.defaultWeight(), recommend.weights().get(s.id()), s.id());
      assertEquals(s.tuningWeights(), defaults.tune().space().weights().get(s.id()), s.id());
    }
    assertEquals(Source.ids().stream().sorted().toList(), List.copyOf(defaults.tune().space().weights().keySet()));

    ListAssembler.Params lists = ListAssembler.Params.defaults();
    assertEquals(recommend.k(), lists.k());
    assertEquals(0.9, lists.mmrLambda());
    assertEquals(recommend.mmrLambda(), lists.mmrLambda());
    assertEquals(35, lists.categoryCap());
    assertEquals(recommend.categoryCap(), lists.categoryCap());
    assertEquals(500, lists.propensitySamples());
    assertEquals(recommend.propensitySamples(), lists.propensitySamples());
  }

  @Test
  void searchSpaceKeysAllowWhatTheTunedKeyAllowsAndEveryTunedParameterIsAKey() {
    List<String> names = ConfigKeys.all().stream().map(ConfigKey::name).toList();
    List<String> tuned = new ArrayList<>(TunedParams.MODEL_KEYS);
    tuned.add(TunedParams.MMR_LAMBDA);
    Source.ids().forEach(id -> tuned.add(TunedParams.WEIGHT_PREFIX + id));
    for (String key : tuned) {
      assertTrue(names.contains(key), key + " is a declared key");
    }
    assertEquals(ConfigKeys.Als.RANK.allowed(), "an integer in 1..1024");
    assertTrue(ConfigKeys.Tune.SPACE_ALS_RANK.allowed().contains(ConfigKeys.Als.RANK.allowed()));
    for (String bad : List.of("nightjar.als.rank=2000", "nightjar.tune.space.als.rank=16,2000", "nightjar.recommend.mmrLambda=1.5",
        "nightjar.tune.space.mmrLambda=0.5,1.5", "nightjar.recommend.weight.ease=-1", "nightjar.tune.space.weight.ease=0,-1")) {
      ConfigException e = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of(bad)), bad);
      assertTrue(e.getMessage().startsWith(bad.substring(0, bad.indexOf('='))), e.getMessage());
    }
    assertEquals(List.of(16, 1024), NightjarConfig.load(null, List.of("nightjar.tune.space.als.rank=16, 1024")).tune().space().alsRank());
    ConfigException empty = assertThrows(ConfigException.class, () -> NightjarConfig.load(null, List.of("nightjar.tune.space.ease.lambda=")));
    assertEquals("nightjar.tune.space.ease.lambda is empty: expected " + ConfigKeys.Tune.SPACE_EASE_LAMBDA.allowed(), empty.getMessage());
  }

  @Test
  void withReplacesOneGroupAndTheRecommendWithersOneComponent() {
    NightjarConfig base = NightjarConfig.defaults();
    AlsParams als = new AlsParams(8, 0.1, 1.0, 5, 7L, 0);
    NightjarConfig changed = base.with(als);
    assertEquals(als, changed.als());
    assertEquals(base.describe().lines().filter(l -> !l.startsWith("als=")).collect(Collectors.toList()),
        changed.describe().lines().filter(l -> !l.startsWith("als=")).collect(Collectors.toList()));
    assertEquals(base.spark(), changed.spark());
    assertEquals(changed, base.withAls(als));
    assertThrows(IllegalArgumentException.class, () -> base.with("not a group"));

    RecommendSettings r = base.recommend();
    RecommendSettings easeOnly = r.withWeights(Map.of("ease", 1.0));
    assertEquals(Map.of("ease", 1.0), easeOnly.weights());
    assertEquals(new RecommendSettings(r.k(), r.candidatesPerSource(), Map.of("ease", 1.0), r.mmrLambda(), r.categoryCap(),
        r.exploreRanks(), r.propensitySamples(), r.repurchaseDays(), r.blocklist(), r.trendingDays(), r.trendingHalfLifeDays(),
        r.seed(), r.exploreCategories()), easeOnly);
    RecommendSettings short5 = r.withK(5, List.of(5));
    assertEquals(5, short5.k());
    assertEquals(List.of(5), short5.exploreRanks());
    assertEquals(r.withWeights(short5.weights()).mmrLambda(), short5.mmrLambda());
    assertEquals(0.5, r.withMmrLambda(0.5).mmrLambda());
    assertEquals(r.weights(), r.withMmrLambda(0.5).weights());
    assertEquals(300, r.withCandidatesPerSource(300).candidatesPerSource());
    assertEquals(r.k(), r.withCandidatesPerSource(300).k());
    ConfigException outside = assertThrows(ConfigException.class, () -> r.withK(5, r.exploreRanks()));
    assertTrue(outside.getMessage().contains("rank 10 is outside 1..5"), outside.getMessage());
  }

  /** The Javadoc examples of this package, as written there, with what their comments say. */
  @Test
  void theJavadocExamplesOfTheConfigPackageRunAndSayWhatTheyDo() {
    ConfigKey<Integer> rank = ConfigKey.integer("nightjar.als.rank", 32, 1, 1024, "ALS rank");
    int r = rank.parse("64");
    assertEquals(64, r);
    assertEquals("nightjar.als.rank = '0' is not allowed: expected an integer in 1..1024",
        assertThrows(ConfigException.class, () -> rank.parse("0")).getMessage());
    assertEquals("an integer in 1..1024 (default 32)", rank.describe());
    ConfigKey<List<Integer>> space = ConfigKey.searchSpace("nightjar.tune.space.als.rank", rank, List.of(16, 32, 64));
    assertEquals(List.of(16, 64), space.parse("16,64"));

    assertEquals("nightjar.als.rank", ConfigKeys.Als.RANK.name());
    assertEquals(1.0, ConfigKeys.Recommend.WEIGHT.get(Source.EASE).defaultValue());

    ConfigReader reader = ConfigReader.load(localProperties(), List.of("nightjar.als.rank=64"));
    assertEquals(64, reader.get(ConfigKeys.Als.RANK));
    NightjarConfig config = reader.read();
    reader.requireAllKnown();
    assertEquals(64, config.als().rank());
    NightjarConfig small = config.with(new AlsParams(8, 0.1, 1.0, 5, 42L, 0));
    assertEquals(8, small.als().rank());

    RecommendSettings base = NightjarConfig.defaults().recommend();
    assertEquals(Map.of("ease", 1.0), base.withWeights(Map.of("ease", 1.0)).weights());
    RecommendSettings top10 = base.withK(10, List.of()).withCandidatesPerSource(200);
    assertEquals(List.of(10, 200), List.of(top10.k(), top10.candidatesPerSource()));

    PrivacySettings p = NightjarConfig.load(null, List.of("nightjar.privacy.epsilon=0.5")).privacy();
    assertEquals(500, p.trendingMaxUnits());
    assertEquals(20000.0, p.trendingNoise().scale(), 1e-12);
    TuneSpace s = NightjarConfig.load(null, List.of("nightjar.tune.space.als.rank=16,64")).tune().space();
    assertEquals(List.of(16, 64), s.alsRank());
    assertEquals(List.of(0.0, 0.5, 1.0, 2.0), s.weights().get("ease"));
    TuneSettings t = NightjarConfig.load(null, List.of("nightjar.tune.modelTrials=2")).tune();
    assertEquals(List.of(16, 32, 64), t.space().alsRank());
    assertEquals(10, t.metricK());
    assertEquals(50, NightjarConfig.load(null, List.of("nightjar.evaluate.ks=5,50")).evaluate().maxK());
    assertEquals(List.of("ndcg@10", "coverage@10"), NightjarConfig.defaults().publish().gate());
    assertEquals(400, NightjarConfig.defaults().retention().rawRetentionDays());
    assertEquals(8, NightjarConfig.defaults().profiles().segments());
    assertEquals(64, NightjarConfig.defaults().embedding().encoder().batchSize());
  }
}

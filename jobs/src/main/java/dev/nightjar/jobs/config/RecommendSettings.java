package dev.nightjar.jobs.config;

import dev.nightjar.models.candidates.Source;
import dev.nightjar.models.lists.ListAssembler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the {@code recommend} stage; keys in {@link ConfigKeys.Recommend}. A variant that changes one thing
 * is made with a wither, never by copying the components:
 *
 * <pre>{@code
 * RecommendSettings base = NightjarConfig.defaults().recommend();
 * RecommendSettings easeOnly = base.withWeights(Map.of("ease", 1.0));
 * RecommendSettings top10 = base.withK(10, List.of()).withCandidatesPerSource(200);
 * }</pre>
 *
 * @param k list length
 * @param candidatesPerSource candidates each source (ALS, content, trending) proposes per user
 * @param weights blend weight per source ({@link Source#ids()}); a source weighted 0 is not computed
 * @param mmrLambda 1 = order by blended score; lower trades score for diversity (MMR over item embeddings)
 * @param categoryCap at most this many items of one category in the exploitation part
 * @param exploreRanks 1-based ranks reserved for exploration (empty = pure exploitation)
 * @param propensitySamples Thompson draws estimating each exploration row's propensity
 * @param repurchaseDays categories whose purchases may be recommended again, with their reorder interval in days
 * @param blocklist item ids never recommended
 * @param trendingDays trending = decayed popularity over this many days
 * @param trendingHalfLifeDays half-life of that decay
 * @param seed seed of the exploration policy (combined with user and date)
 * @param exploreCategories with exploration on, each user's best ALS items are also found in this many of the
 *     largest categories, for the exploration slots to offer
 */
public record RecommendSettings(
    int k, int candidatesPerSource, Map<String, Double> weights, double mmrLambda, int categoryCap,
    List<Integer> exploreRanks, int propensitySamples, Map<String, Integer> repurchaseDays, List<String> blocklist,
    int trendingDays, double trendingHalfLifeDays, long seed, int exploreCategories) {
  public static final int DEFAULT_K = ListAssembler.Params.DEFAULT_K;
  public static final int DEFAULT_CANDIDATES_PER_SOURCE = 100;
  public static final double DEFAULT_MMR_LAMBDA = ListAssembler.Params.DEFAULT_MMR_LAMBDA;
  public static final int DEFAULT_CATEGORY_CAP = ListAssembler.Params.DEFAULT_CATEGORY_CAP;
  public static final String DEFAULT_EXPLORE_RANKS = "10,20";
  public static final int DEFAULT_PROPENSITY_SAMPLES = ListAssembler.Params.DEFAULT_PROPENSITY_SAMPLES;
  public static final int DEFAULT_TRENDING_DAYS = 7;
  public static final double DEFAULT_TRENDING_HALF_LIFE_DAYS = 3.0;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_EXPLORE_CATEGORIES = 50;

  public RecommendSettings {
    for (int rank : exploreRanks) {
      if (rank < 1 || rank > k) {
        throw new ConfigException("nightjar.recommend.exploreRanks: rank " + rank + " is outside 1.." + k
            + " (nightjar.recommend.k); give comma-separated ranks, or nothing for pure exploitation");
      }
    }
    weights = Map.copyOf(weights);
    exploreRanks = List.copyOf(exploreRanks);
    repurchaseDays = Map.copyOf(repurchaseDays);
    blocklist = List.copyOf(blocklist);
  }

  /** The named defaults, built without reading any config (what {@code NightjarConfig.defaults().recommend()} reads). */
  public static RecommendSettings defaults() {
    Map<String, Double> weights = new LinkedHashMap<>();
    for (Source s : Source.values()) {
      weights.put(s.id(), s.defaultWeight());
    }
    List<Integer> exploreRanks = ConfigKey.split(DEFAULT_EXPLORE_RANKS).stream().map(Integer::valueOf).toList();
    return new RecommendSettings(DEFAULT_K, DEFAULT_CANDIDATES_PER_SOURCE, weights, DEFAULT_MMR_LAMBDA, DEFAULT_CATEGORY_CAP,
        exploreRanks, DEFAULT_PROPENSITY_SAMPLES, Map.of(), List.of(), DEFAULT_TRENDING_DAYS, DEFAULT_TRENDING_HALF_LIFE_DAYS,
        DEFAULT_SEED, DEFAULT_EXPLORE_CATEGORIES);
  }

  /** The same settings with another list length and the exploration ranks within it (checked together). */
  public RecommendSettings withK(int k, List<Integer> exploreRanks) {
    return new RecommendSettings(k, candidatesPerSource, weights, mmrLambda, categoryCap, exploreRanks, propensitySamples,
        repurchaseDays, blocklist, trendingDays, trendingHalfLifeDays, seed, exploreCategories);
  }

  /** The same settings with another number of candidates per source. */
  public RecommendSettings withCandidatesPerSource(int candidatesPerSource) {
    return new RecommendSettings(k, candidatesPerSource, weights, mmrLambda, categoryCap, exploreRanks, propensitySamples,
        repurchaseDays, blocklist, trendingDays, trendingHalfLifeDays, seed, exploreCategories);
  }

  /** The same settings with other blend weights (source id → weight). */
  public RecommendSettings withWeights(Map<String, Double> weights) {
    return new RecommendSettings(k, candidatesPerSource, weights, mmrLambda, categoryCap, exploreRanks, propensitySamples,
        repurchaseDays, blocklist, trendingDays, trendingHalfLifeDays, seed, exploreCategories);
  }

  /** The same settings with another MMR λ. */
  public RecommendSettings withMmrLambda(double mmrLambda) {
    return new RecommendSettings(k, candidatesPerSource, weights, mmrLambda, categoryCap, exploreRanks, propensitySamples,
        repurchaseDays, blocklist, trendingDays, trendingHalfLifeDays, seed, exploreCategories);
  }
}

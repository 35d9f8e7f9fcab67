package dev.nightjar.models.candidates;

import dev.nightjar.models.itemitem.EaseParams;
import dev.nightjar.transforms.CoOccurrenceParams;
import dev.nightjar.transforms.InteractionParams;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the {@link CandidatePool} of night {@code date} is built.
 *
 * <pre>{@code
 * CandidateParams p = new CandidateParams(LocalDate.of(2026, 10, 31), EnumSet.allOf(Source.class), 100, false, true, 50,
 *     List.of("I000013"), Map.of("Coffee", 14), new CandidateParams.Trending(7, 3.0, 100, TrendingPopularity.exact()),
 *     InteractionParams.defaults(), CoOccurrenceParams.defaults(), EaseParams.defaults());
 * }</pre>
 *
 * @param date the logical date D
 * @param sources the sources computed (a source not here adds no candidates and costs nothing)
 * @param perSource candidates per source and user (ALS, content, co-occurrence, EASE top-N)
 * @param excludeSeen also leave out every item of the user's events up to D (the
 *     evaluation protocol, which never counts such an item as a hit); the nightly lists keep viewed but
 *     unbought items, which are often bought later
 * @param explorePool also each user's best {@value ExplorePool#ITEMS_PER_CATEGORY} items by content in each of the
 *     {@code exploreCategories} largest categories (see {@link ExplorePool}), so an exploration slot has the
 *     user's own items of a category their top-N does not reach
 * @param exploreCategories how many of the largest categories the explore pool covers
 * @param blocklist item ids never recommended
 * @param repurchaseDays reorder interval in days per repurchasable category (see {@code transforms.Repurchase})
 * @param trending the trending source's window, decay, size and popularity release
 * @param interactions the interaction weights and look-back window (purchases are read over that window)
 * @param cooccurrence the co-occurrence source (its {@code topN} is replaced by {@code perSource})
 * @param ease the EASE source
 */
public record CandidateParams(
    LocalDate date, Set<Source> sources, int perSource, boolean excludeSeen, boolean explorePool, int exploreCategories,
    List<String> blocklist, Map<String, Integer> repurchaseDays, Trending trending, InteractionParams interactions,
    CoOccurrenceParams cooccurrence, EaseParams ease) {

  public CandidateParams {
    sources = sources.isEmpty() ? EnumSet.noneOf(Source.class) : EnumSet.copyOf(sources);
    blocklist = List.copyOf(blocklist);
    repurchaseDays = Map.copyOf(repurchaseDays);
  }

  /**
   * The trending source: interaction weight summed over users in the last {@code days} days with half-life
   * {@code halfLifeDays}, released by {@code popularity}; the overall top {@code items} plus the top
   * {@value TrendingCandidates#PER_CATEGORY} of each category.
   */
  public record Trending(int days, double halfLifeDays, int items, TrendingPopularity popularity) {}
}

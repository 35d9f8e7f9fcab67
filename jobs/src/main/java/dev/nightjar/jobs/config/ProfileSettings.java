package dev.nightjar.jobs.config;

import dev.nightjar.transforms.InterestParams;

/**
 * Settings of the {@code profiles} stage; keys in {@link ConfigKeys.Profiles}.
 *
 * <pre>{@code
 * ProfileSettings p = NightjarConfig.defaults().profiles();
 * p.segments(); // 8
 * }</pre>
 *
 * @param interests prior strength and number of interest labels
 * @param segments number of k-means interest segments
 * @param seed k-means seed
 * @param similarItems neighbours kept per item in {@code similar_items}
 * @param newItemDays items created within this many days before D (or without interactions) get an audience
 * @param audienceSize users kept per new item in {@code item_audiences}
 */
public record ProfileSettings(
    InterestParams interests, int segments, long seed, int similarItems, int newItemDays, int audienceSize) {
  public static final int DEFAULT_SEGMENTS = 8;
  public static final long DEFAULT_SEED = 42L;
  public static final int DEFAULT_SIMILAR_ITEMS = 20;
  public static final int DEFAULT_NEW_ITEM_DAYS = 7;
  public static final int DEFAULT_AUDIENCE_SIZE = 100;
}

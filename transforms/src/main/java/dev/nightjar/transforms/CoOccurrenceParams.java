package dev.nightjar.transforms;

import java.util.Locale;
import java.util.Objects;

/**
 * Settings of {@link CoOccurrence}, validated on construction. The config keys these are meant to
 * be read from are named in each parameter.
 *
 * <pre>{@code
 * CoOccurrenceParams p = CoOccurrenceParams.defaults();                       // Jaccard, SAR-style
 * CoOccurrenceParams knn = p.withSimilarity(CoOccurrenceParams.Similarity.COSINE); // the item_knn baseline's
 * }</pre>
 *
 * @param similarity how co-occurrence counts become a similarity ({@code nightjar.cooccurrence.similarity})
 * @param minCoCount item pairs shared by fewer users are dropped ({@code nightjar.cooccurrence.minCoCount}), ≥ 1
 * @param maxItemsPerUser each user's most recent items (then heaviest, then lowest id) taken into
 *     account, ≥ 1 ({@code nightjar.cooccurrence.maxItemsPerUser}): bounds the self-join to
 *     {@code maxItemsPerUser²/2} pairs per user and the scoring join to
 *     {@code maxItemsPerUser × neighboursPerItem} rows per user
 * @param neighboursPerItem the most similar items kept per item ({@code nightjar.cooccurrence.neighbours}), ≥ 1
 * @param topN list length per user ({@code nightjar.cooccurrence.topN}), ≥ 1
 * @param weightedAffinity {@code true}: a user's affinity to a seen item is its interaction weight,
 *     which {@link Interactions} has already decayed with time (SAR's time-decayed affinity);
 *     {@code false}: every seen item counts 1 ({@code nightjar.cooccurrence.weightedAffinity})
 */
public record CoOccurrenceParams(
    Similarity similarity, int minCoCount, int maxItemsPerUser, int neighboursPerItem, int topN, boolean weightedAffinity) {

  /** How the co-occurrence count {@code c_ij} of two items and their user counts become a similarity. */
  public enum Similarity {
    /** {@code c_ij / (c_ii + c_jj − c_ij)}: shared users over users of either (SAR's default). */
    JACCARD,
    /** {@code c_ij / (c_ii · c_jj)}: favours rarer items (serendipity). */
    LIFT,
    /** {@code c_ij / sqrt(c_ii · c_jj)}: what the evaluator's {@code item_knn} baseline uses. */
    COSINE;

    /** Parses a config value, case-insensitively, naming the allowed values on failure. */
    public static Similarity parse(String value) {
      for (Similarity s : values()) {
        if (s.name().equalsIgnoreCase(value == null ? "" : value.trim())) {
          return s;
        }
      }
      throw new IllegalArgumentException(
          "similarity must be one of jaccard, lift, cosine, got '" + value + "'");
    }
  }

  public static final Similarity DEFAULT_SIMILARITY = Similarity.JACCARD;
  /** Two shared users at least: a pair seen together by a single user is mostly noise. */
  public static final int DEFAULT_MIN_CO_COUNT = 2;
  public static final int DEFAULT_MAX_ITEMS_PER_USER = 200;
  public static final int DEFAULT_NEIGHBOURS_PER_ITEM = 50;
  /** As many as {@code nightjar.recommend.candidatesPerSource}'s default. */
  public static final int DEFAULT_TOP_N = 100;
  public static final boolean DEFAULT_WEIGHTED_AFFINITY = true;

  public CoOccurrenceParams {
    Objects.requireNonNull(similarity, "similarity must be one of jaccard, lift, cosine, got null");
    if (minCoCount < 1) {
      throw new IllegalArgumentException("minCoCount must be >= 1, got " + minCoCount);
    }
    if (maxItemsPerUser < 1) {
      throw new IllegalArgumentException("maxItemsPerUser must be >= 1, got " + maxItemsPerUser);
    }
    if (neighboursPerItem < 1) {
      throw new IllegalArgumentException("neighboursPerItem must be >= 1, got " + neighboursPerItem);
    }
    if (topN < 1) {
      throw new IllegalArgumentException("topN must be >= 1, got " + topN);
    }
  }

  public static CoOccurrenceParams defaults() {
    return new CoOccurrenceParams(DEFAULT_SIMILARITY, DEFAULT_MIN_CO_COUNT, DEFAULT_MAX_ITEMS_PER_USER,
        DEFAULT_NEIGHBOURS_PER_ITEM, DEFAULT_TOP_N, DEFAULT_WEIGHTED_AFFINITY);
  }

  /** These settings with another similarity. */
  public CoOccurrenceParams withSimilarity(Similarity other) {
    return new CoOccurrenceParams(other, minCoCount, maxItemsPerUser, neighboursPerItem, topN, weightedAffinity);
  }

  /** A short, stable name of these settings, usable as a {@code model_version} prefix. */
  public String versionTag() {
    return String.format(Locale.ROOT, "cooc-%s-min%d-u%d-m%d-%s", similarity.name().toLowerCase(Locale.ROOT),
        minCoCount, maxItemsPerUser, neighboursPerItem, weightedAffinity ? "w" : "1");
  }
}

package dev.nightjar.models.candidates;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The candidate sources of the blend, in one place: each source's name (as in the {@code source} column, the
 * {@code nightjar.recommend.weight.<name>} and {@code nightjar.tune.space.weight.<name>} keys and the evaluation
 * variant of that name), its default blend weight, the weights tuning tries, and the reason a list row it
 * brought shows. Adding a source is one constant here, the source's own candidate file and its test.
 *
 * <pre>{@code
 * Source s = Source.of("ease");
 * s.defaultWeight();                                  // 1.0
 * s.reason("Tent", true, null, "Sleeping bag");       // "people who bought Tent also chose this"
 * }</pre>
 */
public enum Source {
  /** Implicit ALS: dot product of user and item factors. */
  ALS("als", 0.5, List.of(0.0, 0.25, 0.5, 1.0)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return anchorTitle == null
          ? "shoppers with tastes like yours chose this"
          : (anchorPurchased ? "because you bought " : "because you viewed ") + anchorTitle;
    }
  },
  /** Cosine between the user's content profile and the item's text embedding. */
  CONTENT("content", 0.2, List.of(0.0, 0.1, 0.2, 0.5)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return anchorTitle == null
          ? "matches your interests"
          : "similar to " + anchorTitle + (anchorPurchased ? " you bought" : " you viewed");
    }
  },
  /** Decayed popularity of the last days, overall and per category. */
  TRENDING("trending", 0.1, List.of(0.0, 0.1)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return category == null ? "popular this week" : "popular in " + category + " this week";
    }

    @Override
    public boolean namesHistoryItem() {
      return false;
    }
  },
  /** Purchased items of consumable categories whose reorder interval has passed. */
  REPURCHASE("repurchase", 0.6, List.of(0.0, 0.6)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return "time to reorder " + title;
    }
  },
  /** SAR-style co-occurrence (Jaccard by default) over time-decayed affinities. */
  COOCCURRENCE("cooccurrence", 0.5, List.of(0.0, 0.5, 1.0)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return itemItemReason(anchorTitle, anchorPurchased);
    }
  },
  /** EASE, the closed-form item-item model (Steck 2019). */
  EASE("ease", 1.0, List.of(0.0, 0.5, 1.0, 2.0)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return itemItemReason(anchorTitle, anchorPurchased);
    }
  },
  /**
   * The shop's trending items offered to every known user with a weight far below the others', so that it only
   * fills the slots a user's models leave empty: every known user gets a full list, a user with no history one of
   * popular items (and {@link CandidatePool#newCustomerList} is that list for customers not known yet).
   */
  FALLBACK("fallback", 0.01, List.of(0.0, 0.01)) {
    @Override
    public String reason(String anchorTitle, boolean anchorPurchased, String category, String title) {
      return category == null ? "popular with shoppers right now" : "popular in " + category + " right now";
    }

    @Override
    public boolean namesHistoryItem() {
      return false;
    }
  };

  private final String id;
  private final double defaultWeight;
  private final List<Double> tuningWeights;

  Source(String id, double defaultWeight, List<Double> tuningWeights) {
    this.id = id;
    this.defaultWeight = defaultWeight;
    this.tuningWeights = List.copyOf(tuningWeights);
  }

  /** The name in tables, config keys and variant names, e.g. {@code als}. */
  public String id() {
    return id;
  }

  /** {@code nightjar.recommend.weight.<id>} when not set. */
  public double defaultWeight() {
    return defaultWeight;
  }

  /** {@code nightjar.tune.space.weight.<id>} when not set: the blend weights a tuning trial draws from. */
  public List<Double> tuningWeights() {
    return tuningWeights;
  }

  /**
   * The reason a list row of this source shows.
   *
   * @param anchorTitle title of the history item behind the row (the source's own anchor, else the most similar
   *     history item), or null when there is none
   * @param anchorPurchased whether the user bought that item ("bought" rather than "viewed")
   * @param category the row item's category, may be null
   * @param title the row item's title
   */
  public abstract String reason(String anchorTitle, boolean anchorPurchased, String category, String title);

  /** Whether the row's {@code reason_item_ids} name the history item behind it (trending names none). */
  public boolean namesHistoryItem() {
    return true;
  }

  private static String itemItemReason(String anchorTitle, boolean anchorPurchased) {
    return anchorTitle == null
        ? "often chosen together with what you chose"
        : "people who " + (anchorPurchased ? "bought " : "viewed ") + anchorTitle + " also chose this";
  }

  /** Every source's id, in declaration order. */
  public static List<String> ids() {
    return Arrays.stream(values()).map(Source::id).toList();
  }

  /** Whether {@code id} names a source. */
  public static boolean isSource(String id) {
    return Arrays.stream(values()).anyMatch(s -> s.id.equals(id));
  }

  /** The source named {@code id}; fails naming the known ones. */
  public static Source of(String id) {
    return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("unknown candidate source '" + id + "'; sources: "
            + Arrays.stream(values()).map(Source::id).collect(Collectors.joining(", "))));
  }
}

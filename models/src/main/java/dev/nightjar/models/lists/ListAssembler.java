package dev.nightjar.models.lists;

import dev.nightjar.models.candidates.Source;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Assembles one user's final top-k list from a pool of blended candidates (already filtered by the
 * business rules): MMR diversity re-ranking with a per-category cap for the exploitation part,
 * Thompson-sampled exploration slots at fixed ranks, and a readable reason for every row. Plain
 * Java, one user at a time, deterministic for a given seed.
 *
 * <p>Exploration: E = {@code exploreRanks.size()} slots. The categories of the exploitation items
 * that rank above the last slot (the user's known interests) are excluded; for each slot a category
 * is drawn by Thompson sampling (one draw from each remaining category's Beta posterior, the largest
 * wins) and one of that category's pool items, drawn uniformly, fills the slot. Uniformly rather than
 * the best-scored: the best item of a category is much the same item for every user (its most popular),
 * so exploring with it would narrow the catalogue the lists reach; a uniform draw over the user's own
 * candidates of the category spreads exploration over it and keeps the propensity exact. Items of an
 * explored category are then left out of the exploitation part, so explored categories always lie
 * outside it. The row's {@code propensity} is P(category wins) × 1/(its candidates), the first factor
 * estimated with {@code propensitySamples} further draws (floored at one win), conditional on the slots
 * filled before it. Exploitation rows have propensity 1. A slot with no explorable category is filled
 * by exploitation.
 *
 * <pre>{@code
 * List<Recommendation> list = ListAssembler.assemble(pool, history, beliefs, seed, ListAssembler.Params.defaults());
 * }</pre>
 */
public final class ListAssembler {
  public static final String SOURCE_EXPLORE = "explore";

  private ListAssembler() {}

  /**
   * A blended candidate.
   *
   * @param vector unit-length item embedding, or null when the item has none (then it counts as dissimilar)
   * @param score blended score (higher is better)
   * @param source the source contributing most to the score ({@code als}, {@code content}, {@code trending}, …)
   */
  public record Candidate(
      String itemId, String title, String category, float[] vector, double score, String source, String anchorItemId) {
    /** A candidate whose source names no item behind it (the explanation picks the most similar history item). */
    public Candidate(String itemId, String title, String category, float[] vector, double score, String source) {
      this(itemId, title, category, vector, score, source, null);
    }
  }

  /** An item from the user's history; {@code purchased} picks "bought" over "viewed" in reasons. */
  public record HistoryItem(String itemId, String title, float[] vector, boolean purchased) {}

  /** Beta posterior of the user's interest in a category (prior plus the user's own counts). */
  public record CategoryBelief(String category, double alpha, double beta) {}

  /**
   * @param k list length
   * @param mmrLambda 1 = order by score only; lower trades score for diversity (MMR)
   * @param categoryCap at most this many exploitation items per category
   * @param exploreRanks 1-based ranks reserved for exploration (empty = pure exploitation)
   * @param propensitySamples Thompson draws used to estimate each exploration row's propensity
   *     <p>The defaults are the production ones: the {@code nightjar.recommend.*} keys take theirs from these.
   */
  public record Params(int k, double mmrLambda, int categoryCap, List<Integer> exploreRanks, int propensitySamples) {
    public static final int DEFAULT_K = 50;
    public static final double DEFAULT_MMR_LAMBDA = 0.9;
    public static final int DEFAULT_CATEGORY_CAP = 35;
    public static final int DEFAULT_PROPENSITY_SAMPLES = 500;

    public Params {
      if (k < 1) {
        throw new IllegalArgumentException("k must be >= 1, got " + k);
      }
      if (!(mmrLambda >= 0 && mmrLambda <= 1)) {
        throw new IllegalArgumentException("mmrLambda must be in [0, 1], got " + mmrLambda);
      }
      if (categoryCap < 1) {
        throw new IllegalArgumentException("categoryCap must be >= 1, got " + categoryCap);
      }
      if (propensitySamples < 1) {
        throw new IllegalArgumentException("propensitySamples must be >= 1, got " + propensitySamples);
      }
      exploreRanks = List.copyOf(new java.util.TreeSet<>(exploreRanks));
      for (int r : exploreRanks) {
        if (r < 1 || r > k) {
          throw new IllegalArgumentException("explore ranks must be within 1.." + k + ", got " + r);
        }
      }
    }

    public static Params defaults() {
      return new Params(DEFAULT_K, DEFAULT_MMR_LAMBDA, DEFAULT_CATEGORY_CAP, List.of(), DEFAULT_PROPENSITY_SAMPLES);
    }
  }

  /** One row of the final list. */
  public record Recommendation(
      int rank, String itemId, double score, String source, String reason, List<String> reasonItemIds, double propensity) {}

  public static List<Recommendation> assemble(
      List<Candidate> pool, List<HistoryItem> history, List<CategoryBelief> beliefs, long seed, Params p) {
    List<Candidate> ordered = new ArrayList<>(pool);
    ordered.sort(Comparator.comparingDouble(Candidate::score).reversed().thenComparing(Candidate::itemId));
    int explore = p.exploreRanks().size();
    List<Candidate> exploit = mmr(ordered, p.k(), p.mmrLambda(), p.categoryCap());

    // The user's known interests: the categories of the exploitation items up to the last exploration
    // slot. Exploring any of them would not be exploring; their items stay in the exploitation part.
    int lastSlot = explore == 0 ? 0 : p.exploreRanks().get(explore - 1);
    Set<String> exploitCategories = new HashSet<>();
    for (Candidate c : exploit.subList(0, Math.max(0, Math.min(exploit.size(), lastSlot - explore)))) {
      exploitCategories.add(c.category());
    }
    List<Pick> picks = explore(ordered, beliefs, exploitCategories, explore, seed, p.propensitySamples());
    Set<String> pickedCategories = new HashSet<>();
    Set<String> pickedItems = new HashSet<>();
    for (Pick pick : picks) {
      pickedCategories.add(pick.candidate().category());
      pickedItems.add(pick.candidate().itemId());
    }
    List<Candidate> exploitFinal = new ArrayList<>();
    for (Candidate c : exploit) {
      if (exploitFinal.size() + picks.size() >= p.k()) {
        break;
      }
      if (!pickedItems.contains(c.itemId()) && (c.category() == null || !pickedCategories.contains(c.category()))) {
        exploitFinal.add(c);
      }
    }

    List<Recommendation> out = new ArrayList<>();
    int nextExploit = 0;
    int nextPick = 0;
    int total = exploitFinal.size() + picks.size();
    for (int rank = 1; rank <= total; rank++) {
      boolean exploreSlot = p.exploreRanks().contains(rank) && nextPick < picks.size();
      if (exploreSlot || nextExploit >= exploitFinal.size()) {
        Pick pick = picks.get(nextPick++);
        Candidate c = pick.candidate();
        out.add(new Recommendation(rank, c.itemId(), c.score(), SOURCE_EXPLORE, "exploring: " + c.category(), List.of(), pick.propensity()));
      } else {
        Candidate c = exploitFinal.get(nextExploit++);
        out.add(explain(rank, c, history));
      }
    }
    return out;
  }

  /** Greedy maximal marginal relevance with a per-category cap; λ = 1 keeps score order. */
  static List<Candidate> mmr(List<Candidate> ordered, int k, double lambda, int categoryCap) {
    List<Candidate> selected = new ArrayList<>();
    Map<String, Integer> perCategory = new HashMap<>();
    double top = ordered.isEmpty() ? 1 : Math.max(Math.abs(ordered.get(0).score()), 1e-12);
    double[] maxSim = new double[ordered.size()];
    boolean[] used = new boolean[ordered.size()];
    while (selected.size() < k) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < ordered.size(); i++) {
        Candidate c = ordered.get(i);
        if (used[i] || (c.category() != null && perCategory.getOrDefault(c.category(), 0) >= categoryCap)) {
          continue;
        }
        double value = lambda * (c.score() / top) - (1 - lambda) * maxSim[i];
        if (value > bestValue) {
          bestValue = value;
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      Candidate chosen = ordered.get(best);
      used[best] = true;
      selected.add(chosen);
      if (chosen.category() != null) {
        perCategory.merge(chosen.category(), 1, Integer::sum);
      }
      if (lambda < 1 && chosen.vector() != null) {
        updateMaxSim(chosen.vector(), ordered, used, maxSim);
      }
    }
    return selected;
  }

  /** Candidates whose dot products with the chosen item {@link #updateMaxSim} computes in one pass. */
  static final int DOT_LANES = 4;

  /**
   * {@code maxSim[i] = max(maxSim[i], dot(v, ordered[i].vector))} for every unused candidate with a
   * vector: the inner loop of MMR, k × candidates × dimension multiply-adds per user, most of the
   * recommend stage's CPU time. {@link #dot} is one serial sum, bound by the latency of a double add;
   * here {@value #DOT_LANES} candidates share a pass over {@code v}, each with its own sum taken in the
   * same order as {@code dot}, so the values are bit-identical and the independent sums overlap.
   */
  static void updateMaxSim(float[] v, List<Candidate> ordered, boolean[] used, double[] maxSim) {
    int[] index = new int[DOT_LANES];
    float[][] lanes = new float[DOT_LANES][];
    int filled = 0;
    for (int i = 0; i < ordered.size(); i++) {
      float[] u = ordered.get(i).vector();
      if (used[i] || u == null) {
        continue;
      }
      if (u.length != v.length) { // the fast path needs equal lengths; dot compares the common prefix
        maxSim[i] = Math.max(maxSim[i], dot(v, u));
        continue;
      }
      index[filled] = i;
      lanes[filled++] = u;
      if (filled == DOT_LANES) {
        dot4(v, lanes[0], lanes[1], lanes[2], lanes[3], index, maxSim);
        filled = 0;
      }
    }
    for (int j = 0; j < filled; j++) {
      maxSim[index[j]] = Math.max(maxSim[index[j]], dot(v, lanes[j]));
    }
  }

  private static void dot4(float[] v, float[] a, float[] b, float[] c, float[] d, int[] index, double[] maxSim) {
    double sa = 0;
    double sb = 0;
    double sc = 0;
    double sd = 0;
    for (int j = 0; j < v.length; j++) {
      float x = v[j];
      sa += x * a[j];
      sb += x * b[j];
      sc += x * c[j];
      sd += x * d[j];
    }
    maxSim[index[0]] = Math.max(maxSim[index[0]], sa);
    maxSim[index[1]] = Math.max(maxSim[index[1]], sb);
    maxSim[index[2]] = Math.max(maxSim[index[2]], sc);
    maxSim[index[3]] = Math.max(maxSim[index[3]], sd);
  }

  private record Pick(Candidate candidate, double propensity) {}

  private static List<Pick> explore(
      List<Candidate> ordered, List<CategoryBelief> beliefs, Set<String> excluded, int slots, long seed, int samples) {
    List<Pick> picks = new ArrayList<>();
    if (slots == 0) {
      return picks;
    }
    Map<String, List<Candidate>> inCategory = new HashMap<>();
    for (Candidate c : ordered) { // score order, ties by item id: the draw below sees a deterministic list
      if (c.category() != null && !excluded.contains(c.category())) {
        inCategory.computeIfAbsent(c.category(), x -> new ArrayList<>()).add(c);
      }
    }
    List<CategoryBelief> open = new ArrayList<>();
    for (CategoryBelief b : beliefs) {
      if (inCategory.containsKey(b.category())) {
        open.add(b);
      }
    }
    open.sort(Comparator.comparing(CategoryBelief::category));
    SplittableRandom draws = new SplittableRandom(seed);
    SplittableRandom estimate = new SplittableRandom(seed ^ 0x5DEECE66DL);
    while (picks.size() < slots && !open.isEmpty()) {
      int chosen = thompson(draws, open);
      int wins = 0;
      for (int s = 0; s < samples; s++) {
        if (thompson(estimate, open) == chosen) {
          wins++;
        }
      }
      List<Candidate> items = inCategory.get(open.get(chosen).category());
      double propensity = Math.max(wins, 1) / (double) samples / items.size();
      picks.add(new Pick(items.get(draws.nextInt(items.size())), propensity));
      open.remove(chosen);
    }
    return picks;
  }

  private static int thompson(SplittableRandom random, List<CategoryBelief> open) {
    int best = 0;
    double bestDraw = -1;
    for (int i = 0; i < open.size(); i++) {
      double draw = BetaSampler.sample(random, open.get(i).alpha(), open.get(i).beta());
      if (draw > bestDraw) {
        bestDraw = draw;
        best = i;
      }
    }
    return best;
  }

  /**
   * The reason for an exploitation row, in words: the item its source names ({@code anchorItemId}, e.g.
   * the bought item behind an item-item recommendation) when it is in the history, else the history item
   * most similar to it.
   */
  static Recommendation explain(int rank, Candidate c, List<HistoryItem> history) {
    HistoryItem anchor = null;
    double bestSim = Double.NEGATIVE_INFINITY;
    if (c.anchorItemId() != null) {
      anchor = history.stream().filter(h -> h.itemId().equals(c.anchorItemId())).findFirst().orElse(null);
    }
    if (anchor == null && c.vector() != null) {
      for (HistoryItem h : history) {
        if (h.vector() != null && !h.itemId().equals(c.itemId())) {
          double sim = dot(c.vector(), h.vector());
          if (sim > bestSim || (sim == bestSim && anchor != null && h.itemId().compareTo(anchor.itemId()) < 0)) {
            bestSim = sim;
            anchor = h;
          }
        }
      }
    }
    String source = Objects.requireNonNullElse(c.source(), Source.ALS.id());
    Source of = Source.of(source);
    String reason = of.reason(anchor == null ? null : anchor.title(), anchor != null && anchor.purchased(), c.category(), c.title());
    List<String> ids = of == Source.REPURCHASE ? List.of(c.itemId())
        : anchor == null || !of.namesHistoryItem() ? List.of() : List.of(anchor.itemId());
    return new Recommendation(rank, c.itemId(), c.score(), source, reason, ids, 1.0);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  /** Categories in a list, in order, for tests and reports. */
  static List<String> categories(List<Candidate> list) {
    return new ArrayList<>(new LinkedHashSet<>(list.stream().map(Candidate::category).toList()));
  }
}

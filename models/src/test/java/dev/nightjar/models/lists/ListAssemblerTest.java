package dev.nightjar.models.lists;

import dev.nightjar.models.candidates.Source;
import static org.junit.jupiter.api.Assertions.*;

import dev.nightjar.models.lists.ListAssembler.Candidate;
import dev.nightjar.models.lists.ListAssembler.CategoryBelief;
import dev.nightjar.models.lists.ListAssembler.HistoryItem;
import dev.nightjar.models.lists.ListAssembler.Params;
import dev.nightjar.models.lists.ListAssembler.Recommendation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ListAssemblerTest {
  static final List<String> CATEGORIES = List.of("Books", "Garden", "Kitchen", "Pets", "Toys", "Office");

  /** 10 items per category; items of one category share a direction in vector space (plus noise). */
  static List<Candidate> pool(long seed) {
    Random random = new Random(seed);
    List<Candidate> pool = new ArrayList<>();
    for (int c = 0; c < CATEGORIES.size(); c++) {
      for (int i = 0; i < 10; i++) {
        float[] v = new float[8];
        v[c] = 1;
        for (int d = 0; d < v.length; d++) {
          v[d] += 0.2f * (float) random.nextGaussian();
        }
        normalise(v);
        // Books and Garden score highest, so pure exploitation is all Books/Garden.
        double score = (c < 2 ? 2.0 : 1.0) - 0.01 * i + 0.001 * random.nextDouble();
        pool.add(new Candidate(CATEGORIES.get(c).charAt(0) + "" + i, "title " + c + "/" + i, CATEGORIES.get(c), v, score, "als"));
      }
    }
    return pool;
  }

  static List<CategoryBelief> beliefs() {
    List<CategoryBelief> out = new ArrayList<>();
    for (String c : CATEGORIES) {
      out.add(new CategoryBelief(c, 2, 5));
    }
    return out;
  }

  static void normalise(float[] v) {
    double n = 0;
    for (float x : v) {
      n += x * x;
    }
    for (int i = 0; i < v.length; i++) {
      v[i] /= (float) Math.sqrt(n);
    }
  }

  static double intraListSimilarity(List<Recommendation> list, List<Candidate> pool) {
    Map<String, float[]> vectors = new HashMap<>();
    pool.forEach(c -> vectors.put(c.itemId(), c.vector()));
    double sum = 0;
    int pairs = 0;
    for (int i = 0; i < list.size(); i++) {
      for (int j = i + 1; j < list.size(); j++) {
        sum += ListAssembler.dot(vectors.get(list.get(i).itemId()), vectors.get(list.get(j).itemId()));
        pairs++;
      }
    }
    return sum / pairs;
  }

  @Test
  void lambdaOneKeepsScoreOrderWithDeterministicTies() {
    List<Candidate> tied = List.of(
        new Candidate("b", "B", null, null, 1.0, "als"),
        new Candidate("a", "A", null, null, 1.0, "als"),
        new Candidate("c", "C", null, null, 2.0, "als"));
    List<Recommendation> list = ListAssembler.assemble(tied, List.of(), List.of(), 1, new Params(3, 1.0, 10, List.of(), 10));
    assertEquals(List.of("c", "a", "b"), list.stream().map(Recommendation::itemId).toList());
    assertEquals(List.of(1, 2, 3), list.stream().map(Recommendation::rank).toList());
  }

  @Test
  void mmrLowersIntraListSimilarity() {
    List<Candidate> pool = pool(3);
    List<Recommendation> plain = ListAssembler.assemble(pool, List.of(), List.of(), 1, new Params(10, 1.0, 100, List.of(), 10));
    List<Recommendation> diverse = ListAssembler.assemble(pool, List.of(), List.of(), 1, new Params(10, 0.5, 100, List.of(), 10));
    double before = intraListSimilarity(plain, pool);
    double after = intraListSimilarity(diverse, pool);
    assertTrue(after < 0.8 * before, "MMR must lower intra-list similarity: " + before + " -> " + after);
  }

  @Test
  void categoryCapHolds() {
    List<Recommendation> list = ListAssembler.assemble(pool(4), List.of(), List.of(), 1, new Params(12, 1.0, 3, List.of(), 10));
    Map<Character, Integer> perCategory = new HashMap<>();
    list.forEach(r -> perCategory.merge(r.itemId().charAt(0), 1, Integer::sum));
    assertEquals(12, list.size(), "the list stays full");
    assertTrue(perCategory.values().stream().allMatch(n -> n <= 3), perCategory.toString());
  }

  @Test
  void explorationSlotsSitExactlyAtTheirRanksInUnexploitedCategories() {
    List<Integer> ranks = List.of(3, 7, 10);
    Params p = new Params(10, 1.0, 100, ranks, 500);
    for (long seed = 0; seed < 20; seed++) {
      List<Recommendation> list = ListAssembler.assemble(pool(seed), List.of(), beliefs(), seed, p);
      assertEquals(10, list.size());
      Set<Character> exploitCategories = new HashSet<>();
      for (Recommendation r : list) {
        boolean exploreRow = r.source().equals(ListAssembler.SOURCE_EXPLORE);
        assertEquals(ranks.contains(r.rank()), exploreRow, "rank " + r.rank() + " seed " + seed);
        if (exploreRow) {
          assertTrue(r.propensity() > 0 && r.propensity() <= 1, "propensity " + r.propensity());
          assertTrue(r.reason().startsWith("exploring: "), r.reason());
        } else {
          assertEquals(1.0, r.propensity());
          exploitCategories.add(r.itemId().charAt(0));
        }
      }
      Set<Character> exploreCategories = new HashSet<>();
      list.stream().filter(r -> ranks.contains(r.rank())).forEach(r -> exploreCategories.add(r.itemId().charAt(0)));
      assertEquals(3, exploreCategories.size(), "each slot explores a different category");
      exploreCategories.retainAll(exploitCategories);
      assertTrue(exploreCategories.isEmpty(), "explored categories are outside the exploitation part: " + list);
    }
  }

  @Test
  void sameSeedSameListDifferentSeedsExploreDifferently() {
    Params p = new Params(10, 0.8, 100, List.of(5, 10), 200);
    List<Candidate> pool = pool(9);
    assertEquals(ListAssembler.assemble(pool, List.of(), beliefs(), 77, p), ListAssembler.assemble(pool, List.of(), beliefs(), 77, p));
    Set<String> explored = new HashSet<>();
    for (long seed = 0; seed < 30; seed++) {
      ListAssembler.assemble(pool, List.of(), beliefs(), seed, p).stream()
          .filter(r -> r.source().equals("explore")).forEach(r -> explored.add(r.itemId().substring(0, 1)));
    }
    assertTrue(explored.size() >= 3, "Thompson sampling spreads over categories: " + explored);
  }

  @Test
  void propensityMatchesTheWinningFrequency() {
    // Two open categories, one with a much stronger posterior: it must win far more often.
    List<Candidate> pool = List.of(
        new Candidate("x", "X", "Strong", null, 1, "als"), new Candidate("y", "Y", "Weak", null, 1, "als"),
        new Candidate("z", "Z", "Exploited", null, 5, "als"));
    List<CategoryBelief> beliefs = List.of(new CategoryBelief("Strong", 50, 10), new CategoryBelief("Weak", 10, 50));
    int strong = 0;
    for (long seed = 0; seed < 200; seed++) {
      Recommendation r = ListAssembler.assemble(pool, List.of(), beliefs, seed, new Params(2, 1.0, 10, List.of(2), 400)).get(1);
      if (r.itemId().equals("x")) {
        strong++;
        assertTrue(r.propensity() > 0.95, "P(Strong wins) is near 1: " + r.propensity());
      }
    }
    assertTrue(strong > 190, "the strong category wins almost always: " + strong);
  }

  @Test
  void anExploredCategorysItemIsDrawnUniformlyAndItsPropensityCountsTheDraw() {
    // One explorable category with four candidates of very different scores: over many users (seeds) the
    // slot offers each of them about a quarter of the time, not always the best-scored one, and the
    // propensity is P(category) x 1/4 = 0.25 (the category always wins: it is the only one open).
    List<Candidate> pool = List.of(
        new Candidate("top", "T", "Exploited", null, 9, "als"),
        new Candidate("g1", "G1", "Garden", null, 4, "als"), new Candidate("g2", "G2", "Garden", null, 3, "content"),
        new Candidate("g3", "G3", "Garden", null, 2, "trending"), new Candidate("g4", "G4", "Garden", null, 1, "content"));
    List<CategoryBelief> beliefs = List.of(new CategoryBelief("Garden", 2, 5), new CategoryBelief("Exploited", 5, 2));
    Map<String, Integer> offered = new HashMap<>();
    for (long seed = 0; seed < 400; seed++) {
      Recommendation slot = ListAssembler.assemble(pool, List.of(), beliefs, seed, new Params(2, 1.0, 10, List.of(2), 100)).get(1);
      assertEquals(ListAssembler.SOURCE_EXPLORE, slot.source());
      assertEquals(0.25, slot.propensity(), 1e-12);
      offered.merge(slot.itemId(), 1, Integer::sum);
    }
    assertEquals(Set.of("g1", "g2", "g3", "g4"), offered.keySet());
    offered.values().forEach(n -> assertTrue(n > 60 && n < 140, "each item about 100 of 400 times: " + offered));
  }

  @Test
  void reasonsNameTheClosestHistoryItem() {
    float[] mugVector = {1, 0};
    float[] gardenVector = {0, 1};
    List<HistoryItem> history = List.of(new HistoryItem("h1", "red mug", mugVector, true), new HistoryItem("h2", "garden hose", gardenVector, false));
    Candidate cup = new Candidate("c1", "blue cup", "Kitchen", new float[] {0.9f, 0.1f}, 1, "als");
    Candidate rake = new Candidate("c2", "rake", "Garden", new float[] {0.1f, 0.9f}, 0.9, Source.CONTENT.id());
    Candidate hot = new Candidate("c3", "kettle", "Kitchen", null, 0.5, Source.TRENDING.id());
    List<Recommendation> list = ListAssembler.assemble(List.of(cup, rake, hot), history, List.of(), 1, new Params(3, 1.0, 10, List.of(), 10));
    assertEquals("because you bought red mug", list.get(0).reason());
    assertEquals(List.of("h1"), list.get(0).reasonItemIds());
    assertEquals("similar to garden hose you viewed", list.get(1).reason());
    assertEquals(List.of("h2"), list.get(1).reasonItemIds());
    assertEquals("popular in Kitchen this week", list.get(2).reason());
  }

  @Test
  void betaSamplerHasTheRightMean() {
    SplittableRandom random = new SplittableRandom(5);
    double sum = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      sum += BetaSampler.sample(random, 2, 6);
    }
    assertEquals(0.25, sum / n, 0.005);
    double small = 0;
    for (int i = 0; i < n; i++) {
      small += BetaSampler.sample(random, 0.5, 0.5);
    }
    assertEquals(0.5, small / n, 0.01);
  }
}

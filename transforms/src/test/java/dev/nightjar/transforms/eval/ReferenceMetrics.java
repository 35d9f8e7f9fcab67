package dev.nightjar.transforms.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Plain-Java reference implementation of every metric, written straight from the definitions (pairs
 * of users and pairs of items formed explicitly), to check the Spark versions against. Lists hold
 * distinct items, best first; truth maps a user to the relevant items.
 *
 * <pre>{@code
 * Map<String, Double> expected = ReferenceMetrics.ranking(lists, truth, new int[] {5, 10}); // "ndcg@5" -> …
 * }</pre>
 */
final class ReferenceMetrics {
  private ReferenceMetrics() {}

  static double log2(double x) {
    return Math.log(x) / Math.log(2.0);
  }

  static List<String> top(List<String> list, int k) {
    return list == null ? List.of() : list.subList(0, Math.min(k, list.size()));
  }

  static int hits(List<String> list, Set<String> relevant, int k) {
    return (int) top(list, k).stream().filter(relevant::contains).count();
  }

  static double precision(List<String> list, Set<String> relevant, int k) {
    return hits(list, relevant, k) / (double) k;
  }

  static double recall(List<String> list, Set<String> relevant, int k) {
    return hits(list, relevant, k) / (double) relevant.size();
  }

  static double ndcg(List<String> list, Set<String> relevant, int k) {
    List<String> top = top(list, k);
    double dcg = 0;
    for (int i = 0; i < top.size(); i++) {
      if (relevant.contains(top.get(i))) {
        dcg += 1 / log2(i + 2);
      }
    }
    double idcg = 0;
    for (int i = 0; i < Math.min(k, relevant.size()); i++) {
      idcg += 1 / log2(i + 2);
    }
    return dcg / idcg;
  }

  /** Σ precision@i at each hit i ≤ k, divided by |relevant|. */
  static double averagePrecision(List<String> list, Set<String> relevant, int k) {
    List<String> top = top(list, k);
    double sum = 0;
    int hits = 0;
    for (int i = 0; i < top.size(); i++) {
      if (relevant.contains(top.get(i))) {
        hits++;
        sum += hits / (double) (i + 1);
      }
    }
    return sum / relevant.size();
  }

  static double hitRate(List<String> list, Set<String> relevant, int k) {
    return hits(list, relevant, k) > 0 ? 1 : 0;
  }

  static double reciprocalRank(List<String> list, Set<String> relevant, int k) {
    List<String> top = top(list, k);
    for (int i = 0; i < top.size(); i++) {
      if (relevant.contains(top.get(i))) {
        return 1.0 / (i + 1);
      }
    }
    return 0;
  }

  /**
   * Means over users with a non-empty relevant set (users without a list count as empty lists),
   * keyed {@code "metric@k"}; a metric with no such user is absent.
   */
  static Map<String, Double> ranking(Map<String, List<String>> lists, Map<String, Set<String>> truth, int[] ks) {
    Map<String, Double> out = new HashMap<>();
    List<String> users = truth.keySet().stream().filter(u -> !truth.get(u).isEmpty()).toList();
    if (users.isEmpty()) {
      return out;
    }
    for (int k : ks) {
      double[] sums = new double[6];
      for (String u : users) {
        List<String> list = lists.get(u);
        Set<String> rel = truth.get(u);
        sums[0] += precision(list, rel, k);
        sums[1] += recall(list, rel, k);
        sums[2] += ndcg(list, rel, k);
        sums[3] += averagePrecision(list, rel, k);
        sums[4] += hitRate(list, rel, k);
        sums[5] += reciprocalRank(list, rel, k);
      }
      String[] names = {"precision", "recall", "ndcg", "map", "hit_rate", "mrr"};
      for (int m = 0; m < names.length; m++) {
        out.put(names[m] + "@" + k, sums[m] / users.size());
      }
    }
    return out;
  }

  /** Distinct catalogue items in anyone's top-k ÷ catalogue size; null for an empty catalogue. */
  static Double coverage(Map<String, List<String>> lists, Set<String> catalogue, int k) {
    if (catalogue.isEmpty()) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    lists.values().forEach(l -> top(l, k).stream().filter(catalogue::contains).forEach(seen::add));
    return seen.size() / (double) catalogue.size();
  }

  /** Mean −log2(max(c_i, 1) / U) over all top-k slots; null without slots or train users. */
  static Double novelty(Map<String, List<String>> lists, Map<String, Set<String>> train, int k) {
    long users = train.values().stream().filter(s -> !s.isEmpty()).count();
    Map<String, Integer> count = new HashMap<>();
    train.values().forEach(items -> items.forEach(i -> count.merge(i, 1, Integer::sum)));
    double sum = 0;
    int slots = 0;
    for (List<String> list : lists.values()) {
      for (String item : top(list, k)) {
        sum += -log2(Math.max(count.getOrDefault(item, 0), 1) / (double) users);
        slots++;
      }
    }
    return slots == 0 || users == 0 ? null : sum / slots;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < Math.max(a.length, b.length); i++) {
      double x = i < a.length ? a[i] : 0;
      double y = i < b.length ? b[i] : 0;
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return dot / Math.sqrt(na * nb);
  }

  static boolean usable(float[] v) {
    if (v == null) {
      return false;
    }
    for (float x : v) {
      if (x != 0) {
        return true;
      }
    }
    return false;
  }

  /** 1 − mean pairwise cosine in each top-k (items with a usable vector), averaged over users with ≥ 2. */
  static Double intraListDiversity(Map<String, List<String>> lists, Map<String, float[]> vectors, int k) {
    double sum = 0;
    int users = 0;
    for (List<String> list : lists.values()) {
      List<float[]> v = new ArrayList<>();
      for (String item : top(list, k)) {
        if (usable(vectors.get(item))) {
          v.add(vectors.get(item));
        }
      }
      if (v.size() < 2) {
        continue;
      }
      double cos = 0;
      int pairs = 0;
      for (int i = 0; i < v.size(); i++) {
        for (int j = i + 1; j < v.size(); j++) {
          cos += cosine(v.get(i), v.get(j));
          pairs++;
        }
      }
      sum += 1 - cos / pairs;
      users++;
    }
    return users == 0 ? null : sum / users;
  }

  /** 1 − mean over all pairs of users with a list of |A∩B| / k; null with fewer than 2 users. */
  static Double personalisation(Map<String, List<String>> lists, int k) {
    List<Set<String>> tops = lists.values().stream().filter(l -> !l.isEmpty()).map(l -> (Set<String>) new HashSet<>(top(l, k))).toList();
    if (tops.size() < 2) {
      return null;
    }
    double overlap = 0;
    long pairs = 0;
    for (int a = 0; a < tops.size(); a++) {
      for (int b = a + 1; b < tops.size(); b++) {
        Set<String> common = new HashSet<>(tops.get(a));
        common.retainAll(tops.get(b));
        overlap += common.size() / (double) k;
        pairs++;
      }
    }
    return 1 - overlap / pairs;
  }
}

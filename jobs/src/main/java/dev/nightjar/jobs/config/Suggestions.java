package dev.nightjar.jobs.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * "Did you mean" for a mistyped name: the known names nearest to it by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbouring characters each count one), used for unknown config keys and for
 * tables that do not exist.
 *
 * <pre>{@code
 * Suggestions.nearest("nightjar.als.rnak", List.of("nightjar.als.rank", "nightjar.als.alpha")); // [nightjar.als.rank]
 * Suggestions.nearest("weather", List.of("nightjar.als.rank"));                                 // [] (nothing close)
 * }</pre>
 */
public final class Suggestions {
  /** At most this many names are suggested. */
  public static final int MAX_SUGGESTIONS = 3;

  private Suggestions() {}

  /**
   * The known names within a small distance of {@code name} (2 edits, or one per 6 characters of a longer name), nearest first, ties in alphabetical order; empty when none is close.
   */
  public static List<String> nearest(String name, Collection<String> known) {
    int limit = Math.max(2, name.length() / 6);
    return known.stream()
        .distinct()
        .map(k -> new Scored(k, distance(name, k)))
        .filter(s -> s.distance() <= limit)
        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
        .limit(MAX_SUGGESTIONS)
        .map(Scored::name)
        .toList();
  }

  private record Scored(String name, int distance) {}

  /** The optimal-string-alignment distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}

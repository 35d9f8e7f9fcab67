package dev.nightjar.models.candidates;

import dev.nightjar.models.lists.SparkListAssembler;
import java.util.Map;

/**
 * The settings of one set of lists assembled from a {@link CandidatePool}: the blend weights per source id
 * (a source weighted 0 adds nothing) and the per-user assembly (k, MMR, category cap, exploration, seed).
 *
 * <pre>{@code
 * ListParams lists = new ListParams(Map.of("als", 1.0, "content", 0.5),
 *     new SparkListAssembler.Settings(50, 0.9, 35, List.of(10, 20), 500, 42L));
 * }</pre>
 */
public record ListParams(Map<String, Double> weights, SparkListAssembler.Settings assembly) {
  public ListParams {
    weights = Map.copyOf(weights);
  }
}

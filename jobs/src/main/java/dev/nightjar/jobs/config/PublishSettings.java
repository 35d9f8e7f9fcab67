package dev.nightjar.jobs.config;

import java.util.List;

/**
 * Settings of the {@code publish} gate; keys in {@link ConfigKeys.Publish}.
 *
 * <pre>{@code
 * PublishSettings p = NightjarConfig.defaults().publish();
 * p.gate(); // [ndcg@10, coverage@10]
 * }</pre>
 *
 * @param gate metrics checked, as {@code metric@k} of {@code variant} on slice {@code all} (e.g. ndcg@10)
 * @param variant the evaluation variant the gate reads (the served configuration: {@code blend})
 * @param tolerance largest allowed relative drop against the last published night (0.2 = may be 20% lower)
 */
public record PublishSettings(List<String> gate, String variant, double tolerance) {
  public static final String DEFAULT_GATE = "ndcg@10,coverage@10";
  public static final String DEFAULT_VARIANT = "blend";
  public static final double DEFAULT_TOLERANCE = 0.2;

  public PublishSettings {
    gate = List.copyOf(gate);
    for (String g : gate) {
      if (!g.matches("[a-z_]+@[0-9]+")) {
        throw new ConfigException("nightjar.publish.gate: '" + g + "' is not metric@k (e.g. ndcg@10,coverage@10)");
      }
    }
  }
}

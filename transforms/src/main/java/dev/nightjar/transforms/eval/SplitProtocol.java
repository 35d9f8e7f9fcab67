package dev.nightjar.transforms.eval;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How an offline run divides the events up to an end date into the part models are trained on and the part
 * they are scored on: {@code temporal} (the last {@code holdoutDays} days are held out; the models are trained
 * for {@code end − holdoutDays}), {@code stratified} (per user a {@code 1 − ratio} share, seeded;
 * models trained for {@code end}) or {@code last-n} (each user's latest {@code lastN} events; trained for
 * {@code end}). The one protocol both {@code evaluate} (test part) and {@code tune} (validation part) use.
 *
 * <pre>{@code
 * SplitProtocol p = SplitProtocol.temporal(3);
 * LocalDate trainEnd = p.trainEnd(LocalDate.parse("2026-10-31")); // 2026-10-28
 * Split s = p.split(events, LocalDate.parse("2026-10-31"));          // events of Oct 29..31 are the test part
 * String written = p.describe();                                    // "temporal:3d"
 * }</pre>
 *
 * @param name {@value #TEMPORAL}, {@value #STRATIFIED} or {@value #LAST_N}
 * @param holdoutDays temporal: days held out at the end
 * @param ratio stratified: share of each user's events kept for training
 * @param seed stratified: seed of the split
 * @param lastN last-n: events per user held out
 */
public record SplitProtocol(String name, int holdoutDays, double ratio, long seed, int lastN) {
  public static final String TEMPORAL = "temporal";
  public static final String STRATIFIED = "stratified";
  public static final String LAST_N = "last-n";
  /** The protocols {@link #split} knows. */
  public static final List<String> NAMES = List.of(TEMPORAL, STRATIFIED, LAST_N);

  public SplitProtocol {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown split '" + name + "'; splits: " + NAMES);
    }
  }

  public static SplitProtocol temporal(int holdoutDays) {
    return new SplitProtocol(TEMPORAL, holdoutDays, 0, 0, 0);
  }

  public static SplitProtocol stratified(double ratio, long seed) {
    return new SplitProtocol(STRATIFIED, 0, ratio, seed, 0);
  }

  public static SplitProtocol lastN(int lastN) {
    return new SplitProtocol(LAST_N, 0, 0, 0, lastN);
  }

  /** The date the models are trained for: temporal, {@code end − holdoutDays}; otherwise {@code end}. */
  public LocalDate trainEnd(LocalDate end) {
    return name.equals(TEMPORAL) ? end.minusDays(holdoutDays) : end;
  }

  /** The first instant of the held-out part under {@code temporal}: midnight after {@link #trainEnd}. */
  public Timestamp cutoff(LocalDate end) {
    return Timestamp.valueOf(trainEnd(end).plusDays(1).atStartOfDay());
  }

  /** Splits {@code events} (the events up to {@code end}; columns as {@link Splits} needs them). */
  public Split split(Dataset<Row> events, LocalDate end) {
    return switch (name) {
      case TEMPORAL -> Splits.temporal(events, cutoff(end));
      case STRATIFIED -> Splits.stratified(events, ratio, seed);
      default -> Splits.lastN(events, lastN);
    };
  }

  /** As {@code model_params} records it: {@code temporal:3d}, {@code stratified:0.8} or {@code last-n:1}. */
  public String describe() {
    return switch (name) {
      case TEMPORAL -> TEMPORAL + ":" + holdoutDays + "d";
      case STRATIFIED -> STRATIFIED + ":" + ratio;
      default -> LAST_N + ":" + lastN;
    };
  }
}

package dev.nightjar.jobs.gpu;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The short list of operators that may stay on the CPU under the RAPIDS Accelerator, each with its
 * written justification. Anything else {@link GpuPlanCheck} finds on the CPU fails the check.
 *
 * <pre>{@code
 * Optional<String> why = GpuAllowlist.DEFAULT.justification("evaluation", "ranking metrics", "Exec <LocalTableScanExec>", "...");
 * }</pre>
 */
public final class GpuAllowlist {

  /**
   * One allowed CPU operator: all four patterns must match (whole string).
   *
   * @param stage regex over the stage ({@code ingest}, {@code interactions}, {@code evaluation})
   * @param plan regex over the plan's name
   * @param operator regex over the operator as {@link GpuPlanCheck} prints it, e.g. {@code Exec <LocalTableScanExec>}
   *     or {@code Expression <Invoke> invoke(StructsToJsonEvaluator(...}
   * @param reason regex over RAPIDS' reason
   * @param justification why staying on the CPU is acceptable (printed next to the operator)
   */
  public record Entry(Pattern stage, Pattern plan, Pattern operator, Pattern reason, String justification) {
    static Entry of(String stage, String plan, String operator, String reason, String justification) {
      return new Entry(Pattern.compile(stage), Pattern.compile(plan), Pattern.compile(operator, Pattern.DOTALL),
          Pattern.compile(reason, Pattern.DOTALL), justification);
    }

    boolean matches(String st, String pl, String op, String why) {
      return stage.matcher(st).matches() && plan.matcher(pl).matches()
          && operator.matcher(op).matches() && reason.matcher(why).matches();
    }
  }

  /** Nightjar's allowlist: driver-side tables of a few rows, the JSON of quarantined rows, and the HMAC pseudonyms at ingest. */
  public static final GpuAllowlist DEFAULT = new GpuAllowlist(List.of(
      Entry.of(".*", ".*", "Exec <LocalTableScanExec>", ".*",
          "a table of a few rows built on the driver (the cut-offs k, ideal DCG per list length); RAPIDS has no"
              + " GPU version of it, its few bytes move to the GPU once"),
      Entry.of(".*", ".*", "Exec <ShuffleExchangeExec>",
          "Columnar exchange without columnar children is inefficient \\(input: LocalTableScanExec\\)",
          "shuffles such a driver-side table of a few rows for a join; RAPIDS keeps an exchange where its input is"),
      Entry.of("ingest", "quarantine \\((items|events)\\)", "Expression <Invoke> invoke\\(StructsToJsonEvaluator.*",
          ".*StructsToJson.*disabled.*",
          "to_json of the quarantined rows' original values, made after the filter (about 1% of the rows);"
              + " RAPIDS has to_json only as a beta expression, off by default, whose output may differ from Spark's,"
              + " and a quarantine row must read the same whichever machine wrote it"),
      Entry.of("ingest", "quarantine \\((items|events)\\)", "Exec <ProjectExec>", "not all expressions can be replaced",
          "the projection holding that to_json, over quarantined rows only; any other CPU expression in it is"
              + " reported on its own line"),
      Entry.of("ingest", "events|quarantine \\(events\\)", "(Exec|Expression) <(Concat|Unhex|Sha2|Cast|Coalesce|CaseWhen|EqualTo|StringTrim|ConcatWs)>(?! try_cast).*",
          "evaluated on the CPU inside a GPU operator \\(CPU bridge\\).*",
          "the keyed HMAC-SHA256 of the event key and of the user id (pseudonyms, docs/privacy.md) and its inputs:"
              + " RAPIDS has no GPU unhex, which HMAC's outer hash needs, so its bridge evaluates these expressions on the"
              + " CPU inside the GPU projection (the operator stays on the GPU); two SHA-256 per id, small next to the"
              + " scan and the joins")));

  private final List<Entry> entries;

  public GpuAllowlist(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  public List<Entry> entries() {
    return entries;
  }

  /** The justification of the first entry allowing {@code operator} of {@code stage}/{@code plan} for {@code reason}, if any. */
  public Optional<String> justification(String stage, String plan, String operator, String reason) {
    return entries.stream().filter(e -> e.matches(stage, plan, operator, reason)).map(Entry::justification).findFirst();
  }
}

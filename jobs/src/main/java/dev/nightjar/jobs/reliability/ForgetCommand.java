package dev.nightjar.jobs.reliability;

import dev.nightjar.jobs.cli.CommonOptions;
import dev.nightjar.jobs.cli.TablePrinter;
import dev.nightjar.jobs.lake.Tables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code forget --users FILE}: the right to be forgotten for the users listed in FILE (see {@link ForgetUsers}).
 *
 * <pre>{@code
 * bin/nightjar forget --users erasure-requests.txt \
 *     --set nightjar.privacy.vacuumRetentionHours=0 --set spark.databricks.delta.retentionDurationCheck.enabled=false
 * }</pre>
 */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = {"Remove the listed users from every table, VACUUM the changed tables and audit each removal.",
        "Remove every row of the listed users from every table holding user ids (raw_events, events, quarantine,",
        "interactions, user_index, ALS factors, profiles, interests, recommendations, ...), VACUUM the changed tables with",
        "nightjar.privacy.vacuumRetentionHours, and append one audit row per user (HMAC pseudonym, tables, rows) to "
            + Tables.FORGET_AUDIT + ".",
        "Run it while no other Nightjar job runs. See docs/reliability.md."})
public final class ForgetCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--users", required = true, paramLabel = "FILE",
      description = "Text file with one raw user id per line (as imported; surrounding spaces and blank lines ignored).")
  Path users;

  /** The ids in {@code file}: one per line, stripped, blank lines skipped. */
  static List<String> readIds(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--users " + file + " does not exist");
    }
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read --users " + file, e);
    }
  }

  @Override
  public Integer call() {
    List<String> ids = readIds(users);
    if (ids.isEmpty()) {
      throw new IllegalArgumentException("--users " + users + " holds no user ids (one raw user id per line)");
    }
    ForgetUsers.Result r =
        common.withContext("nightjar forget", ctx -> ForgetUsers.run(ctx, ids, ctx.pseudonymKey(), Instant.now()));
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Long> e : r.rowsRemoved().entrySet()) {
      rows.add(List.of(e.getKey(), Long.toString(e.getValue())));
    }
    TablePrinter.aligned(System.out, List.of("table", "rows_removed"), rows);
    System.out.println(r.users() + " user(s) forgotten at " + r.forgottenAt() + "; changed tables VACUUMed retaining "
        + r.vacuumRetentionHours() + " h; audit rows in " + Tables.FORGET_AUDIT);
    return 0;
  }
}

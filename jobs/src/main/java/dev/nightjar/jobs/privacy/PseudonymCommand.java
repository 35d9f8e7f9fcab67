package dev.nightjar.jobs.privacy;

import dev.nightjar.jobs.Sessions;
import dev.nightjar.jobs.cli.CommonOptions;
import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.transforms.privacy.Pseudonyms;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code pseudonym USER_ID...}: prints {@code USER_ID<TAB>pseudonym} per id — the {@code user_id} under
 * which every derived table and output keys that customer. Serving computes the same
 * ({@link Pseudonyms#hmacSha256Hex}) with the same key to look a list up. Opens no Spark session.
 *
 * <pre>{@code
 * bin/nightjar pseudonym U000042
 * U000042	3f1c…(64 hex digits)
 * }</pre>
 */
@Command(name = "pseudonym", mixinStandardHelpOptions = true,
    description = {"Print the pseudonym of each raw user id.",
        "Print USER_ID<TAB>pseudonym for each raw user id: the HMAC-SHA256 pseudonym every derived table and output",
        "(events, interactions, profiles, recommendations, published_recommendations, ...) keys that user by. The key comes from",
        PseudonymKey.ENV_KEY + ", else nightjar.privacy.pseudonymKeyFile or " + PseudonymKey.ENV_KEY_FILE
            + ", else (embedded runs only) <lakehouse>/_secrets/pseudonym.key.",
        "The key's fingerprint goes to stderr. See docs/privacy.md."})
public final class PseudonymCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "USER_ID", description = "Raw user ids as imported (surrounding spaces are ignored, as ingest trims them).")
  List<String> userIds;

  @Override
  public Integer call() {
    NightjarConfig config = common.config();
    byte[] key = PseudonymKey.load(System.getenv(), config.privacy().pseudonymKeyFile(), Sessions.embedded(config.spark()),
        common.productionLakehouse(config), Sessions.hadoopConfiguration(config.spark()));
    PrintWriter out = spec.commandLine().getOut();
    for (String id : userIds) {
      String trimmed = id.strip();
      if (trimmed.isEmpty()) {
        throw new IllegalArgumentException("a user id is blank: ingest quarantines blank ids (missing_user_id), so none has a pseudonym");
      }
      out.println(trimmed + "\t" + Pseudonyms.hmacSha256Hex(trimmed, key));
    }
    out.flush();
    spec.commandLine().getErr().println("pseudonym key fingerprint " + PseudonymKey.fingerprint(key));
    return 0;
  }
}

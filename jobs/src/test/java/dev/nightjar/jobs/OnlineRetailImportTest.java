package dev.nightjar.jobs;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.nightjar.jobs.config.NightjarConfig;
import dev.nightjar.jobs.lake.Lakehouse;
import dev.nightjar.jobs.lake.RunReport;
import dev.nightjar.jobs.lake.Tables;
import dev.nightjar.jobs.stages.ImportStage;
import dev.nightjar.jobs.stages.IngestStage;
import dev.nightjar.jobs.stages.StageContext;
import dev.nightjar.transforms.OnlineRetail;
import dev.nightjar.transforms.privacy.Pseudonyms;
import dev.nightjar.transforms.testing.SparkTestBase;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Two weeks of the real UCI Online Retail files, imported in two batches and ingested on two
 * nights: every source line is accounted for, and the dirt the dataset's README lists lands in
 * quarantine with the reason a plain-Java reading of the same files predicts.
 */
class OnlineRetailImportTest extends SparkTestBase {
  static final LocalDate FIRST_NIGHT = LocalDate.of(2010, 12, 7);
  static final LocalDate SECOND_NIGHT = LocalDate.of(2010, 12, 14);
  static final Instant IMPORTED_AT = Instant.parse("2010-12-15T00:00:00Z");

  @Test
  void everyLineIsAcceptedOrQuarantinedWithThePredictedReason() throws Exception {
    Path byDay = sharedDir().map(d -> d.resolve("datasets/online-retail/by-day")).orElse(null);
    assumeTrue(byDay != null && Files.isDirectory(byDay), "../shared/datasets/online-retail is not present");
    StageContext ctx =
        new StageContext(spark(), new Lakehouse(spark(), tempDir.resolve("lake")), NightjarConfig.defaults());

    ImportStage.importOnlineRetail(ctx, byDay, null, FIRST_NIGHT, IMPORTED_AT);
    RunReport night1 = IngestStage.run(ctx, FIRST_NIGHT);
    ImportStage.importOnlineRetail(ctx, byDay, FIRST_NIGHT.plusDays(1), SECOND_NIGHT, IMPORTED_AT);
    RunReport night2 = IngestStage.run(ctx, SECOND_NIGHT);

    List<String[]> week1 = readLines(byDay, LocalDate.of(2010, 12, 1), FIRST_NIGHT);
    List<String[]> week2 = readLines(byDay, FIRST_NIGHT.plusDays(1), SECOND_NIGHT);
    List<String[]> all = new ArrayList<>(week1);
    all.addAll(week2);
    Set<String> knownItems = knownItems(all);

    assertEquals(week1.size(), night1.rowsIn(), "night 1 takes exactly the first week's lines");
    assertEquals(week2.size(), night2.rowsIn(), "night 2 takes exactly the second week's lines");
    assertEquals(all.size(), ctx.lake().read(Tables.RAW_EVENTS).count(), "raw_events holds every line, duplicates included");
    long events = ctx.lake().read(Tables.EVENTS).count();
    long quarantined = ctx.lake().read(Tables.QUARANTINE).where("source_table = 'raw_events'").count();
    assertEquals(all.size(), events + quarantined, "lines = accepted + quarantined");

    // Night 1's catalogue holds the first week's items; night 2's holds both weeks'.
    Set<String> acceptedKeys = new HashSet<>();
    Map<String, Long> expected1 = expectedOutcomes(week1, knownItems(week1), acceptedKeys);
    Map<String, Long> expected2 = expectedOutcomes(week2, knownItems, acceptedKeys);
    Map<String, Long> actual1 = new TreeMap<>(night1.quarantinedByReason());
    actual1.put("accepted", night1.rowsAccepted());
    Map<String, Long> actual2 = new TreeMap<>(night2.quarantinedByReason());
    actual2.put("accepted", night2.rowsAccepted());
    assertEquals(expected1, actual1);
    assertEquals(expected2, actual2);
    for (String reason : List.of("cancellation", "missing_user_id", "non_product_code", "non_positive_price", "duplicate")) {
      assertTrue(expected1.getOrDefault(reason, 0L) + expected2.getOrDefault(reason, 0L) > 0,
          "the documented dirt '" + reason + "' occurs in these weeks: " + expected1 + " " + expected2);
    }

    assertEquals(knownItems.size(), ctx.lake().read(Tables.ITEMS).count(), "one item per product code with a description");
    // Events are keyed by the pseudonyms of the customer ids without their float suffix ("17850.0" -> "17850").
    byte[] key = ctx.pseudonymKey();
    Set<String> pseudonyms = new HashSet<>();
    for (String[] f : all) {
      String customer = f[6].trim();
      if (!customer.isEmpty()) {
        pseudonyms.add(Pseudonyms.hmacSha256Hex(customer.replaceAll("\\.0$", ""), key));
      }
    }
    List<String> stored = ctx.lake().read(Tables.EVENTS).select("user_id").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
    assertFalse(stored.isEmpty());
    assertEquals(List.of(), stored.stream().filter(u -> !pseudonyms.contains(u)).toList(),
        "every stored user_id is the pseudonym of a customer id without the float suffix");
  }

  /** Outcome per line in the importer's precedence; {@code seenKeys} carries accepted keys across nights. */
  static Map<String, Long> expectedOutcomes(List<String[]> lines, Set<String> knownItems, Set<String> seenKeys) {
    Map<String, Long> out = new TreeMap<>();
    for (String[] f : lines) {
      String invoice = f[0].trim(), code = f[1].trim(), qty = f[3].trim(), ts = f[4].trim(), customer = f[6].trim();
      double price = Double.parseDouble(f[5].trim());
      String outcome;
      if (invoice.startsWith("C")) {
        outcome = OnlineRetail.CANCELLATION;
      } else if (!code.matches(OnlineRetail.PRODUCT_CODE_PATTERN)) {
        outcome = OnlineRetail.NON_PRODUCT_CODE;
      } else if (price <= 0) {
        outcome = OnlineRetail.NON_POSITIVE_PRICE;
      } else if (customer.isEmpty()) {
        outcome = "missing_user_id";
      } else if (Double.parseDouble(qty) <= 0) {
        outcome = "non_positive_quantity";
      } else if (!knownItems.contains(code)) {
        outcome = "unknown_item_id";
      } else if (!seenKeys.add(String.join("|", customer, code, ts, qty, invoice))) {
        outcome = "duplicate";
      } else {
        outcome = "accepted";
      }
      out.merge(outcome, 1L, Long::sum);
    }
    return out;
  }

  /** Product codes with at least one clean product line carrying a description. */
  static Set<String> knownItems(List<String[]> lines) {
    Set<String> codes = new HashSet<>();
    for (String[] f : lines) {
      if (!f[0].startsWith("C") && f[1].trim().matches(OnlineRetail.PRODUCT_CODE_PATTERN)
          && Double.parseDouble(f[5]) > 0 && !f[2].trim().isEmpty()) {
        codes.add(f[1].trim());
      }
    }
    return codes;
  }

  static List<String[]> readLines(Path dir, LocalDate from, LocalDate to) throws Exception {
    List<String[]> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        LocalDate day = LocalDate.parse(file.getFileName().toString().substring(0, 10));
        if (day.isBefore(from) || day.isAfter(to)) {
          continue;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
          in.readLine();
          for (String line = in.readLine(); line != null; line = in.readLine()) {
            rows.add(parseCsvLine(line));
          }
        }
      }
    }
    return rows;
  }

  /** RFC 4180 fields of one line (the dataset has no line breaks inside quotes). */
  static String[] parseCsvLine(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        cell.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    fields.add(cell.toString());
    return fields.toArray(new String[0]);
  }
}

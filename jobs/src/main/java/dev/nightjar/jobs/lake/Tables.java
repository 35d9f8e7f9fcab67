package dev.nightjar.jobs.lake;

import java.util.List;
import java.util.Map;

/**
 * Names of the lakehouse's Delta tables (folders under the lakehouse root), and the command that writes each.
 *
 * <pre>{@code
 * lake.read(Tables.RECOMMENDATIONS);
 * Tables.WRITTEN_BY.get(Tables.RECOMMENDATIONS); // "bin/nightjar recommend --date D (or nightly --date D)"
 * }</pre>
 */
public final class Tables {
  private Tables() {}

  public static final String RAW_EVENTS = "raw_events";
  public static final String RAW_ITEMS = "raw_items";
  public static final String EVENTS = "events";
  public static final String QUARANTINE = "quarantine";
  public static final String ITEMS = "items";
  public static final String INTERACTIONS = "interactions";
  public static final String USER_INDEX = "user_index";
  public static final String ITEM_INDEX = "item_index";
  public static final String ALS_USER_FACTORS = "als_user_factors";
  public static final String ALS_ITEM_FACTORS = "als_item_factors";
  public static final String ITEM_EMBEDDINGS = "item_embeddings";
  public static final String USER_PROFILES = "user_profiles";
  public static final String USER_INTERESTS = "user_interests";
  public static final String CATEGORY_PRIORS = "category_priors";
  /** For analysts: per segment, its users and most common interest labels; segments under k users suppressed. */
  public static final String SEGMENT_SUMMARY = "segment_summary";
  /** For analysts: per category, its users, exposures and positives; categories under k users suppressed. */
  public static final String CATEGORY_SUMMARY = "category_summary";
  public static final String SIMILAR_ITEMS = "similar_items";
  public static final String ITEM_AUDIENCES = "item_audiences";
  public static final String RECOMMENDATIONS = "recommendations";
  /** Offline evaluation: one row per (run_date, split, variant, slice, metric, k). */
  public static final String METRICS = "metrics";
  /** What serving reads: exactly one complete night of {@code recommendations}, replaced atomically by {@code publish}. */
  public static final String PUBLISHED_RECOMMENDATIONS = "published_recommendations";
  /** One row per {@code publish} decision: run_date, status (published|refused), reason, decided_at. */
  public static final String PUBLICATIONS = "publications";
  /**
   * What {@code tune} tried and chose: one row per trial (run_date, scope, validation, trial, params, metric, value,
   * best_so_far, chosen, …); nights overlay the latest chosen row of scope {@code nightly}.
   */
  public static final String MODEL_PARAMS = "model_params";
  public static final String RUN_REPORT = "run_report";
  /** One row per user removed by {@code forget}: pseudonym, tables touched, rows removed, time. */
  public static final String FORGET_AUDIT = "forget_audit";

  /** Every table, in data-flow order. */
  public static final List<String> ALL =
      List.of(
          RAW_EVENTS, RAW_ITEMS, EVENTS, QUARANTINE, ITEMS, ITEM_EMBEDDINGS, INTERACTIONS, USER_INDEX, ITEM_INDEX,
          ALS_USER_FACTORS, ALS_ITEM_FACTORS, USER_PROFILES, USER_INTERESTS, CATEGORY_PRIORS, SEGMENT_SUMMARY, CATEGORY_SUMMARY, SIMILAR_ITEMS, ITEM_AUDIENCES, RECOMMENDATIONS,
          METRICS, MODEL_PARAMS, PUBLISHED_RECOMMENDATIONS, PUBLICATIONS, RUN_REPORT, FORGET_AUDIT);

  /** Per table, the command that writes it: what to run when a query names a table that does not exist yet. */
  public static final Map<String, String> WRITTEN_BY = writtenBy();

  private static Map<String, String> writtenBy() {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    put(out, "bin/nightjar import ... (or demo)", RAW_EVENTS, RAW_ITEMS);
    put(out, nightly("ingest"), EVENTS, QUARANTINE, ITEMS);
    put(out, nightly("embed-items"), ITEM_EMBEDDINGS);
    put(out, nightly("interactions"), INTERACTIONS);
    put(out, nightly("profiles"), USER_PROFILES, USER_INTERESTS, CATEGORY_PRIORS, SEGMENT_SUMMARY, CATEGORY_SUMMARY, SIMILAR_ITEMS,
        ITEM_AUDIENCES);
    put(out, nightly("train"), USER_INDEX, ITEM_INDEX, ALS_USER_FACTORS, ALS_ITEM_FACTORS);
    put(out, nightly("recommend"), RECOMMENDATIONS);
    put(out, "bin/nightjar evaluate --date D", METRICS);
    put(out, "bin/nightjar tune --date D", MODEL_PARAMS);
    put(out, "bin/nightjar publish --date D", PUBLISHED_RECOMMENDATIONS, PUBLICATIONS);
    put(out, "bin/nightjar nightly --date D (every stage records its run)", RUN_REPORT);
    put(out, "bin/nightjar forget --users FILE", FORGET_AUDIT);
    return java.util.Collections.unmodifiableMap(out);
  }

  private static String nightly(String stage) {
    return "bin/nightjar " + stage + " --date D (or nightly --date D)";
  }

  private static void put(Map<String, String> out, String command, String... tables) {
    for (String table : tables) {
      out.put(table, command);
    }
  }
}
